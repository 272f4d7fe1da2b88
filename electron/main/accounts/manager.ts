/**
 * The desktop app's accounts at run time: one client core per account, all connected at once,
 * and one active account, the one the window shows. Keeps the registry's names and servers
 * in step with each client's session and tells main when the summary (the rail: names,
 * unread per account, the active one) changes.
 *
 * Electron-free: main passes in how a client is made (`open`) and wired (`attach`), so the
 * unit tests run it on fakes.
 */
import type { AccountsState, AccountSummary, ClientState, HostResult } from '@parley/shared';
import type { ParleyClient } from '@parley/shared/client';
import type { AccountDetails, AccountRecord, AccountRegistry } from './registry.js';

export interface Account {
  readonly id: string;
  readonly client: ParleyClient;
  record(): AccountRecord;
}

export interface OpenedAccount {
  client: ParleyClient;
  /** Deletes the account's store file (its client is stopped by then). */
  deleteStore(): Promise<void>;
}

export interface AccountManagerDeps {
  registry: AccountRegistry;
  /** Makes an account's client core over its own store; not started yet. */
  open(record: AccountRecord): OpenedAccount;
  /** Per-account listeners (notifications, calls); returns what detaches them. */
  attach(account: Account): () => void;
  /** Unread messages in a state by the one unread rule (muted conversations left out). */
  unread(state: ClientState): number;
  /**
   * The active account changed. The one place a switch reaches the rest of main: the renderer
   * must get the new account's full state (not a patch against the old one's).
   */
  onSwitch(account: Account): void;
  /** The summary changed (list, names, unread, active). */
  onChange(state: AccountsState): void;
  /** How long a sign-out may take on removal before the account is dropped anyway. */
  signOutTimeoutMs?: number;
}

interface Live extends Account {
  store: OpenedAccount;
  detach: () => void;
  unsubscribe: () => void;
}

export function hostOf(serverUrl: string): string {
  try {
    return new URL(serverUrl).host;
  } catch {
    return serverUrl;
  }
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

function ok<T>(value: T): HostResult<T> {
  return { ok: true, value };
}

export class AccountManager {
  private readonly live = new Map<string, Live>();
  private readonly removing = new Set<string>();
  private lastSummary = '';

  constructor(private readonly deps: AccountManagerDeps) {}

  /** Opens every stored account: its client exists (not yet started) and `active` works. */
  open(): void {
    for (const record of this.deps.registry.list()) if (!this.live.has(record.id)) this.openAccount(record);
  }

  /** Starts every account's client; each restores its own session. */
  async start(): Promise<void> {
    this.open();
    this.changed();
    await Promise.all([...this.live.values()].map((account) => account.client.start()));
  }

  get active(): Account {
    const account = this.live.get(this.deps.registry.activeId());
    if (!account) throw new Error('no active account');
    return account;
  }

  list(): Account[] {
    return this.deps.registry.list().flatMap((r) => this.live.get(r.id) ?? []);
  }

  isActive(account: Account): boolean {
    return this.deps.registry.activeId() === account.id;
  }

  /** The first signed-in account on this server (deep links pick their account by it). */
  byServer(serverUrl: string): Account | undefined {
    return this.list().find((account) => {
      const session = account.client.getSnapshot().session;
      return session.status === 'signed-in' && sameOrigin(session.serverUrl, serverUrl);
    });
  }

  /** The rail's label for notifications: the server's name or host. */
  label(account: Account): string {
    const record = account.record();
    return record.serverLabel ?? (record.serverUrl ? hostOf(record.serverUrl) : '');
  }

  summary(): AccountsState {
    const accounts: AccountSummary[] = this.list().map((account) => {
      const record = account.record();
      const state = account.client.getSnapshot();
      return {
        id: account.id,
        serverLabel: record.serverUrl ? this.label(account) : null,
        displayName: record.displayName,
        signedIn: state.session.status === 'signed-in',
        userId: state.session.status === 'signed-in' ? state.session.user.id : null,
        unread: this.deps.unread(state),
      };
    });
    return { accounts, activeId: this.deps.registry.activeId() };
  }

  totalUnread(): number {
    return this.list().reduce((sum, account) => sum + this.deps.unread(account.client.getSnapshot()), 0);
  }

  /** Something the summary depends on changed outside the clients (mute settings). */
  changed(): void {
    const summary = this.summary();
    const key = JSON.stringify(summary);
    if (key === this.lastSummary) return;
    this.lastSummary = key;
    this.deps.onChange(summary);
  }

  async switchTo(id: string): Promise<HostResult<AccountsState>> {
    const next = this.live.get(id);
    if (!next) return { ok: false, error: 'No such account.', code: 'not_found' };
    const previous = this.active;
    if (previous.id === id) return ok(this.summary());
    // The call's media live in the window; switching would tear them down under the call.
    const call = previous.client.getSnapshot().call;
    if (call && (call.phase === 'active' || call.phase === 'outgoing'))
      return { ok: false, error: 'Finish the call before switching accounts.', code: 'busy' };
    this.deps.registry.setActive(id);
    this.deps.onSwitch(next);
    // An account added but never signed in is not kept once the user goes elsewhere.
    if (this.isUnused(previous)) await this.drop(previous as Live);
    this.changed();
    return ok(this.summary());
  }

  /** A new, empty account, made active: the window shows the sign-in screen for it. */
  async add(): Promise<HostResult<AccountsState>> {
    const unused = this.list().find((account) => this.isUnused(account));
    if (unused) return this.switchTo(unused.id);
    const account = this.openAccount(this.deps.registry.add());
    await account.client.start();
    return this.switchTo(account.id);
  }

  /** Signs the account out (its tokens revoked where the server is reachable) and deletes its store. */
  async remove(id: string): Promise<HostResult<AccountsState>> {
    const account = this.live.get(id);
    if (!account || this.removing.has(id)) return { ok: false, error: 'No such account.', code: 'not_found' };
    this.removing.add(id);
    try {
      if (this.isActive(account)) {
        let other: Account | undefined = this.list().find((a) => a.id !== id);
        if (!other) {
          // The last account goes: an empty one takes its place (the sign-in screen).
          other = this.openAccount(this.deps.registry.add());
          await other.client.start();
        }
        this.deps.registry.setActive(other.id);
        this.deps.onSwitch(other);
      }
      if (account.client.getSnapshot().session.status !== 'signed-out') {
        const timeout = new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.deps.signOutTimeoutMs ?? 5000);
          timer.unref?.();
        });
        await Promise.race([account.client.auth.signOut().then(() => undefined), timeout]);
      }
      await this.drop(account);
    } finally {
      this.removing.delete(id);
    }
    this.changed();
    return ok(this.summary());
  }

  async stop(): Promise<void> {
    await Promise.all([...this.live.values()].map((account) => account.client.stop()));
  }

  private isUnused(account: Account): boolean {
    return (
      account.record().serverUrl === null &&
      account.client.getSnapshot().session.status === 'signed-out' &&
      this.live.size > 1
    );
  }

  private async drop(account: Live): Promise<void> {
    this.live.delete(account.id);
    account.unsubscribe();
    account.detach();
    this.deps.registry.remove(account.id);
    await account.client.stop();
    await account.store.deleteStore();
  }

  private openAccount(record: AccountRecord): Live {
    const store = this.deps.open(record);
    const registry = this.deps.registry;
    const account: Live = {
      id: record.id,
      client: store.client,
      store,
      record: () => registry.get(record.id) ?? record,
      detach: () => {},
      unsubscribe: () => {},
    };
    this.live.set(record.id, account);
    account.detach = this.deps.attach(account);
    account.unsubscribe = store.client.subscribe(() => this.track(account));
    return account;
  }

  /** Keeps the registry's server and names in step with the account's session. */
  private track(account: Live): void {
    if (!this.live.has(account.id)) return;
    const session = account.client.getSnapshot().session;
    const record = account.record();
    if (session.status === 'signed-in') {
      const details: AccountDetails = {};
      // Servers have no name of their own yet (`GET /api/server` says "Parley"): the host it is.
      if (session.serverUrl !== record.serverUrl) {
        details.serverUrl = session.serverUrl;
        details.serverLabel = hostOf(session.serverUrl);
      }
      if (session.user.displayName !== record.displayName) details.displayName = session.user.displayName;
      if (Object.keys(details).length > 0) this.deps.registry.update(account.id, details);
    }
    this.changed();
  }
}
