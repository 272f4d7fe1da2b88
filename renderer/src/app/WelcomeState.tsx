import { MessageSquarePlus, UserPlus, Users } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { shortName } from '../i18n/rules';
import { EmptyState } from '../components/EmptyState';
import { canInvite, openAccountPage, useAccountInfo } from '../settings/account-store';
import { useClientState, useHost } from '../store/hooks';
import { selectMe } from '../store/selectors';

/**
 * The first screen of someone with no conversations: one welcome with the next steps (start a
 * chat, a group, or invite someone where the server lets them). The list beside it only says
 * it is empty (its own button shows where this pane does not: narrow windows).
 */
export function WelcomeState({ onNewChat, onNewGroup }: { onNewChat: () => void; onNewGroup: () => void }) {
  const { t } = useTranslation();
  const host = useHost();
  const me = useClientState(selectMe);
  const account = useAccountInfo(host);
  return (
    <EmptyState
      icon={<MessageSquarePlus size={32} />}
      title={me ? t('welcome.titleNamed', { name: shortName(me) }) : t('welcome.title')}
      action={
        <div className="welcome-actions">
          <button type="button" className="button button-primary" onClick={onNewChat}>
            <MessageSquarePlus size={16} aria-hidden="true" /> {t('welcome.startChat')}
          </button>
          <button type="button" className="button" onClick={onNewGroup}>
            <Users size={16} aria-hidden="true" /> {t('welcome.newGroup')}
          </button>
          {canInvite(account) && (
            <button type="button" className="button" onClick={() => openAccountPage('settings')}>
              <UserPlus size={16} aria-hidden="true" /> {t('welcome.invite')}
            </button>
          )}
        </div>
      }
    >
      {t('welcome.lead')}
    </EmptyState>
  );
}
