/**
 * Product rules: each written once, used by the client core, the renderer and the desktop
 * shell (and, for unread counting and call records, tested against the server).
 */
export { countUnread, countsAsUnread, totalUnread, unreadBadge, type ReadPosition } from './unread.js';
export { isListedConversation } from './listing.js';
export { activityTime, compareConversations, sortConversations } from './ordering.js';
export { conversationTitle, directPeer, shortName, userName } from './titles.js';
export { callDurationSeconds, callRecordBody, describeCall } from './calls.js';
export { visiblePresence, type PresenceInfo } from './presence.js';
export { shouldRepeatTyping, typingText, TYPING_IDLE_MS, TYPING_REPEAT_MS } from './typing.js';
export { normalizeServerUrl } from './server-url.js';
export { formatDuration, joinNames } from './text.js';
