/**
 * What the client core's modules share: the injected runtime (storage, fetch, clock), the
 * state store, the event listeners, and each other. Modules are created once by
 * `createParleyClient` and reach one another through `ctx` at call time, never at creation,
 * so the order they are created in does not matter.
 */
import type { CallSignal } from '../host-api.js';
import type { AttachmentsModule } from './attachments.js';
import type { AccountModule } from './account.js';
import type { AdminModule } from './admin.js';
import type { CallsModule } from './calls.js';
import type { GroupsModule } from './groups.js';
import type { CatchUpModule } from './catch-up.js';
import type { ConnectionModule } from './connection.js';
import type { ConversationsModule } from './conversations.js';
import type { MessagesModule } from './messages.js';
import type { OutboxModule } from './outbox-queue.js';
import type { PresenceModule } from './presence.js';
import type { ReadsModule } from './reads.js';
import type { FetchLike } from './runtime.js';
import type { ServerInfoModule } from './server-info.js';
import type { SessionModule } from './session.js';
import type { StateCacheModule } from './state-cache.js';
import { MAX_NOTICES, type ClientNotice, type ClientState } from './state.js';
import type { Store } from './store.js';
import type { TypingModule } from './typing.js';
import type { ClientEvent, ClientStorage, ParleyClientOptions } from './types.js';

/** Every module of the client core, by the name other modules use for it. */
export interface ClientModules {
  session: SessionModule;
  connection: ConnectionModule;
  catchUp: CatchUpModule;
  outbox: OutboxModule;
  conversations: ConversationsModule;
  messages: MessagesModule;
  reads: ReadsModule;
  presence: PresenceModule;
  typing: TypingModule;
  calls: CallsModule;
  serverInfo: ServerInfoModule;
  attachments: AttachmentsModule;
  account: AccountModule;
  groups: GroupsModule;
  admin: AdminModule;
  stateCache: StateCacheModule;
}

/** The context every module is created over (see the top of this file). */
export interface ClientContext extends ClientModules {
  readonly options: ParleyClientOptions;
  readonly storage: ClientStorage;
  readonly fetch: FetchLike;
  now(): number;
  readonly store: Store<ClientState>;
  state(): ClientState;
  update(updater: (state: ClientState) => ClientState): void;
  emitEvent(event: ClientEvent): void;
  emitSignal(signal: CallSignal): void;
  /** Adds a notice for the user (`ClientState.notices`). */
  notify(notice: Omit<ClientNotice, 'id'>): void;
  /** True while a session should be connected (between start/sign-in and stop/sign-out). */
  running: boolean;
  readonly eventListeners: Set<(event: ClientEvent) => void>;
  readonly signalListeners: Set<(signal: CallSignal) => void>;
}

/** The shared part of the context; `createParleyClient` adds the modules. */
export function createContextBase(
  options: ParleyClientOptions,
  store: Store<ClientState>,
  fetchFn: FetchLike,
): Omit<ClientContext, keyof ClientModules> {
  const eventListeners = new Set<(event: ClientEvent) => void>();
  const signalListeners = new Set<(signal: CallSignal) => void>();
  let noticeCount = 0;
  // Host listeners failing must not break message handling or the other listeners.
  const callAll = <T>(listeners: Set<(value: T) => void>, value: T): void => {
    for (const listener of [...listeners]) {
      try {
        listener(value);
      } catch {
        // ignored on purpose (see above)
      }
    }
  };
  return {
    options,
    storage: options.storage,
    fetch: fetchFn,
    now: options.now ?? (() => Date.now()),
    store,
    state: () => store.getSnapshot(),
    update: (updater) => store.update(updater),
    emitEvent: (event) => callAll(eventListeners, event),
    emitSignal: (signal) => callAll(signalListeners, signal),
    notify(notice) {
      const entry: ClientNotice = { ...notice, id: `n${++noticeCount}` };
      store.update((s) => ({ ...s, notices: [...(s.notices ?? []), entry].slice(-MAX_NOTICES) }));
    },
    running: false,
    eventListeners,
    signalListeners,
  };
}
