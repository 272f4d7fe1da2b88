/** Window event (detail: conversation id) that asks the UI to open a conversation, e.g. from a notification click. */
export const OPEN_CONVERSATION_EVENT = 'parley:open-conversation';
