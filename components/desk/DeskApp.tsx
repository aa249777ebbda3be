import { useCallback } from 'react';
import type { ReviewDesk } from '@/lib/desk/desk';
import { serverList } from '@/lib/team/settings';
import { nameOf, t } from '../i18n';
import { TeamView } from '../TeamView';
import { useBroker } from '../useBroker';
import { DeskKey } from './DeskKey';
import { SignInForm } from './SignInForm';

/** The reviewer desk's page: sign in to the team server, then the team queue with the desk's key and passkey. */
export function DeskApp({ desk }: { desk: ReviewDesk }) {
  const load = useCallback(() => Promise.all([desk.status(), desk.lastProfile()]), [desk]);
  const { data, error } = useBroker(load);
  if (error) return <p role="alert">{error}</p>;
  if (!data) return <p>{t('common.loading')}</p>;
  const [status, last] = data;
  return (
    <main className="desk">
      <header className="desk-header">
        <h1>{t('desk.title')}</h1>
        {status.signedIn && (
          <button type="button" onClick={() => void desk.signOut()}>
            {t('desk.signOut')}
          </button>
        )}
      </header>
      {status.signedIn ? (
        <>
          <p role="status">
            {t('desk.signedInAs', { name: status.signedIn.reviewerName, server: serverList(status.signedIn.url).join(', ') })} {nameOf('team.state', status.state)}
          </p>
          {status.state === 'offline' && (
            <p role="alert" className="banner warning">
              {t('desk.offline')} {status.problem ?? ''}
            </p>
          )}
          <DeskKey desk={desk} status={status} />
          <TeamView />
        </>
      ) : (
        <SignInForm desk={desk} last={last} problem={status.problem} />
      )}
    </main>
  );
}
