/**
 * Where `parley://` links arrive (command line, second instance, macOS open-url) and what the
 * app does with them: parse (deep-link.ts), then open the conversation, offer the invite to the
 * sign-in screen, or explain in a message box why not. A link that comes while the session is
 * still settling waits for the next state.
 */
import type { ClientState, InviteLink } from '@parley/shared';
import { decideDeepLink, parseDeepLink, type DeepLink } from './deep-link.js';

export interface DeepLinkRouterDeps {
  getState(): ClientState;
  /** Several accounts: make the one signed in to this server active, if there is one. */
  pickServer?(serverUrl: string): void;
  showWindow(): void;
  openConversation(conversationId: string): void;
  offerInvite(invite: InviteLink): void;
  explain(message: string, detail: string): void;
  log(message: string, context: Record<string, unknown>): void;
}

export class DeepLinkRouter {
  private waiting: DeepLink | null = null;
  private invite: InviteLink | null = null;
  private scheduled = false;

  constructor(private readonly deps: DeepLinkRouterDeps) {}

  open(raw: string): void {
    const parsed = parseDeepLink(raw);
    this.deps.showWindow();
    if (!parsed.ok) {
      // The link itself is not logged: it may carry an invite code.
      this.deps.log('deep link refused', { reason: parsed.reason });
      this.deps.explain('Parley can’t open this link', parsed.reason);
      return;
    }
    this.waiting = null;
    if (parsed.link.kind === 'conversation') this.deps.pickServer?.(parsed.link.serverUrl);
    this.route(parsed.link);
  }

  /**
   * Call on every state change: a waiting link is routed once the session settles. Judged a
   * microtask later, so the steps of one change (connected, then catching up) count as one.
   */
  stateChanged(): void {
    if (!this.waiting || this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      if (this.waiting) this.route(this.waiting);
    });
  }

  /** The invite not yet picked up by the sign-in screen, once. */
  takeInvite(): InviteLink | null {
    const invite = this.invite;
    this.invite = null;
    return invite;
  }

  private route(link: DeepLink): void {
    const action = decideDeepLink(link, this.deps.getState());
    this.waiting = action.do === 'wait' ? link : null;
    switch (action.do) {
      case 'wait':
        return;
      case 'open-conversation':
        return this.deps.openConversation(action.conversationId);
      case 'offer-invite':
        this.invite = action.invite;
        return this.deps.offerInvite(action.invite);
      case 'explain':
        return this.deps.explain(action.message, action.detail);
    }
  }
}
