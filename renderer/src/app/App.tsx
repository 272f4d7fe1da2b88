import { Fragment } from 'react';
import * as Tooltip from '@radix-ui/react-tooltip';
import { useTranslation } from 'react-i18next';
import { useClientState, useReady } from '../store/hooks';
import { selectSession } from '../store/selectors';
import { Logo } from '../components/Logo';
import { Toaster } from '../components/Toaster';
import { ScreenSharePicker } from '../desktop/ScreenSharePicker';
import { AccountRail } from '../desktop/AccountRail';
import { useAccounts } from '../desktop/accounts-store';
import { useHost } from '../store/hooks';
import { SignInScreen } from './SignInScreen';
import { Shell } from './Shell';

export function App() {
  const { t, i18n } = useTranslation();
  const ready = useReady();
  const session = useClientState(selectSession);
  // Desktop with several accounts: the sign-in screen is the active account's own.
  const activeAccount = useAccounts(useHost())?.activeId;
  let screen;
  if (!ready) {
    screen = (
      <div className="splash" aria-busy="true" aria-label={t('app.loading')}>
        <Logo size={48} />
      </div>
    );
  } else if (session.status === 'signed-in') {
    // Keyed by user so nothing from a previous account (drafts in state, open dialogs) leaks.
    screen = <Shell key={session.user.id} />;
  } else {
    screen = <SignInScreen key={activeAccount} />;
  }
  return (
    <Tooltip.Provider delayDuration={400} skipDelayDuration={200}>
      {/* A language change remounts the screen, so memoised text (rows, labels) is made anew. */}
      <Fragment key={i18n.language}>
        <div className="app-frame">
          <AccountRail />
          {screen}
        </div>
      </Fragment>
      <Toaster />
      <ScreenSharePicker />
    </Tooltip.Provider>
  );
}
