/**
 * Unsent drafts per conversation. Kept in localStorage so a draft survives switching
 * conversations, a reload and an app restart, like the messengers people are used to.
 */
const KEY = 'parley.drafts';
let drafts: Record<string, string> | null = null;

function load(): Record<string, string> {
  if (drafts) return drafts;
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    drafts = parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    drafts = {};
  }
  return drafts;
}

export function getDraft(conversationId: string): string {
  const v = load()[conversationId];
  return typeof v === 'string' ? v : '';
}

export function setDraft(conversationId: string, text: string): void {
  const all = load();
  if (text) all[conversationId] = text;
  else delete all[conversationId];
  try {
    localStorage.setItem(KEY, JSON.stringify(all));
  } catch {
    // Quota or private mode: the draft stays in memory for this session.
  }
}

/** Forgets every draft (on sign-out: the next person at this device must not see them). */
export function clearDrafts(): void {
  drafts = {};
  try {
    localStorage.removeItem(KEY);
  } catch {
    // Nothing stored, nothing to clear.
  }
}
