import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { MessagesSquare } from 'lucide-react';
import { Trans, useTranslation } from 'react-i18next';
import { useClientState, useHost } from '../store/hooks';
import { useMutedIds } from '../store/notification-prefs';
import {
  selectCatchUp,
  selectConnection,
  selectConversations,
  selectMe,
  selectNotices,
  selectServer,
  selectTotalUnread,
} from '../store/selectors';
import { showToast } from '../lib/toast';
import { useNow } from '../lib/use-now';
import { modKey } from '../lib/platform';
import { ConnectionBar } from '../components/ConnectionBar';
import { EmptyState } from '../components/EmptyState';
import { CallLayer } from '../calls/CallLayer';
import { useSearch } from '../search/use-search';
import { Sidebar } from './Sidebar';
import { ChatView } from './ChatView';
import { NewChatDialog, type NewChatMode } from './NewChatDialog';
import { QuickSwitcher } from './QuickSwitcher';
import { WelcomeState } from './WelcomeState';
import { isListedConversation } from '../lib/conversation';
import { LazyBoundary, lazyNamed, useOpenedOnce } from '../components/Lazy';
import { useAccountPage } from '../settings/account-store';
import { useSettingsShortcut } from '../settings/settings-shortcut';

const SearchPanel = lazyNamed(() => import('../search/SearchPanel'), 'SearchPanel');
const SettingsDialog = lazyNamed(() => import('../settings/SettingsDialog'), 'SettingsDialog');
const AdminDialog = lazyNamed(() => import('../settings/AdminDialog'), 'AdminDialog');

const OPEN_KEY = 'parley.openConversation';

function readOpen(): string | null {
  try {
    return sessionStorage.getItem(OPEN_KEY);
  } catch {
    return null;
  }
}

/** The signed-in app: connection bar, the two panes, dialogs and the call layer. */
export function Shell() {
  const { t } = useTranslation();
  const host = useHost();
  const connection = useClientState(selectConnection);
  const catchUp = useClientState(selectCatchUp);
  const conversations = useClientState(selectConversations);
  const me = useClientState(selectMe);
  // The welcome state counts what the list shows, not empty chats others started with me.
  const hasListed = conversations.some((c) => isListedConversation(c, me?.id ?? ''));
  const server = useClientState(selectServer);
  const notices = useClientState(selectNotices);
  const shownNotices = useRef(new Set<string>());
  const muted = useMutedIds();
  const totalUnread = useClientState(useMemo(() => selectTotalUnread(muted), [muted]));
  const [selectedId, setSelectedId] = useState<string | null>(readOpen);
  const [newChat, setNewChat] = useState<NewChatMode | null>(null);
  const [switcherOpen, setSwitcherOpen] = useState(false);
  const now = useNow(250, connection.status === 'reconnecting');

  // A remembered conversation that no longer exists (another account, left group) is dropped.
  const selected = selectedId && conversations.some((c) => c.id === selectedId) ? selectedId : null;
  const conversationsLoaded = conversations.length > 0 || connection.status === 'connected';
  const effectiveSelected = conversationsLoaded ? selected : selectedId;

  useEffect(() => {
    void host.conversations.open(effectiveSelected);
    try {
      if (effectiveSelected) sessionStorage.setItem(OPEN_KEY, effectiveSelected);
      else sessionStorage.removeItem(OPEN_KEY);
    } catch {
      // Session storage unavailable: the open conversation is just not remembered.
    }
  }, [host, effectiveSelected]);

  // The client core's notices (a conversation we were removed from, an edit the server
  // refused) are shown once each.
  useEffect(() => {
    for (const notice of notices ?? []) {
      if (shownNotices.current.has(notice.id)) continue;
      shownNotices.current.add(notice.id);
      showToast(notice.text, notice.kind === 'operation-failed' ? 'error' : 'info');
    }
  }, [notices]);

  useEffect(() => {
    document.title = totalUnread > 0 ? `(${totalUnread}) Parley` : 'Parley';
  }, [totalUnread]);

  const open = useCallback((id: string) => {
    setSelectedId(id);
    setSwitcherOpen(false);
    setNewChat(null);
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setSwitcherOpen((o) => !o);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // A notification was clicked (desktop or web host): show that conversation. Optional in
  // the host API, so a host without it simply never asks.
  useEffect(
    () =>
      host.onNavigate?.((target) => {
        if (typeof target?.conversationId === 'string') open(target.conversationId);
      }),
    [host, open],
  );

  const shown =
    effectiveSelected && conversations.some((c) => c.id === effectiveSelected) ? effectiveSelected : null;
  const search = useSearch(shown, open);

  return (
    <div className={`app-shell${shown ? ' has-selection' : ''}`}>
      <ConnectionBar
        connection={connection}
        catchUp={catchUp}
        now={now}
        onRetryNow={() => void host.connection.retryNow()}
        server={server}
      />
      <div className="panes">
        <Sidebar
          selectedId={shown}
          onOpen={open}
          onNewChat={() => setNewChat('direct')}
          onNewGroup={() => setNewChat('group')}
        />
        {shown ? (
          <ChatView
            key={shown}
            conversationId={shown}
            onBack={() => setSelectedId(null)}
            onSearch={() => search.openPanel('conversation')}
            jump={search.jump}
            onJumpDone={search.jumpDone}
          />
        ) : (
          <section className="chat chat-placeholder" aria-label={t('shell.noneOpen')}>
            {conversations.length === 0 && connection.status !== 'connected' ? null : !hasListed ? (
              <WelcomeState onNewChat={() => setNewChat('direct')} onNewGroup={() => setNewChat('group')} />
            ) : (
              <EmptyState icon={<MessagesSquare size={32} />} title={t('shell.pickTitle')}>
                <Trans i18nKey="shell.pickLead" values={{ mod: modKey }} components={{ kbd: <kbd /> }} />
              </EmptyState>
            )}
          </section>
        )}
        {search.panel && (
          <LazyBoundary label={t('shell.loadingSearch')} inline>
            <SearchPanel
              state={search.panel}
              conversationId={shown}
              onScopeChange={search.setScope}
              onPick={search.pick}
              onClose={search.closePanel}
            />
          </LazyBoundary>
        )}
      </div>
      <NewChatDialog mode={newChat} onClose={() => setNewChat(null)} onCreated={open} />
      <QuickSwitcher open={switcherOpen} onOpenChange={setSwitcherOpen} onPick={open} />
      <CallLayer />
      <AccountPages />
    </div>
  );
}

/** Settings and server administration load the first time one of them opens. */
function AccountPages() {
  const { t } = useTranslation();
  const page = useAccountPage();
  useSettingsShortcut();
  const settings = useOpenedOnce(page === 'settings');
  const admin = useOpenedOnce(page === 'admin');
  return (
    <LazyBoundary label={t('shell.loadingSettings')}>
      {settings && <SettingsDialog />}
      {admin && <AdminDialog />}
    </LazyBoundary>
  );
}
