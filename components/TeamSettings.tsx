import { useCallback, useEffect, useId, useState } from 'react';
import { request } from '@/lib/messaging/client';
import type { TeamStatus } from '@/lib/messaging/protocol';
import { TEAM_ROLES, type TeamChange, type TeamRole, type TrustedReviewer } from '@/lib/team/settings';
import { errorText } from './errorText';
import { nameOf, t } from './i18n';
import { passkeyAnswer } from './passkey';
import { useBroker } from './useBroker';

interface Draft {
  enabled: boolean;
  url: string;
  browserName: string;
  role: TeamRole;
  reviewerName: string;
  user: string;
  /** Secrets start empty: left empty, what is stored stays. */
  password: string;
  nkeySeed: string;
  creds: string;
  trustedReviewers: TrustedReviewer[];
}

function draftOf({ settings }: TeamStatus): Draft {
  const { enabled, url, browserName, role, reviewerName, user, trustedReviewers } = settings;
  return { enabled, url, browserName, role, reviewerName, user, trustedReviewers, password: '', nkeySeed: '', creds: '' };
}

/** Settings → Team: where this browser's actions are reviewed, or whose it reviews. */
export function TeamSettings() {
  const load = useCallback(() => Promise.all([request({ type: 'team-status' }), request({ type: 'passkey-status' })]), []);
  const { data } = useBroker(load);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [newKey, setNewKey] = useState({ name: '', key: '' });
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const ids = { url: useId(), name: useId(), role: useId(), reviewer: useId(), user: useId(), password: useId(), seed: useId(), creds: useId(), key: useId() };
  const status = data?.[0];
  const statusSettings = status?.settings;
  useEffect(() => {
    if (status && !draft) setDraft(draftOf(status));
  }, [status, draft]);

  if (!status || !draft || !statusSettings) return null;
  const locked = (field: keyof Draft) => statusSettings.managed.includes(field);
  const set = (change: Partial<Draft>) => setDraft({ ...draft, ...change });

  async function save() {
    if (!draft || !status) return;
    const change: TeamChange = {};
    for (const field of ['enabled', 'url', 'browserName', 'role', 'reviewerName', 'user', 'trustedReviewers'] as const) {
      if (!locked(field) && JSON.stringify(draft[field]) !== JSON.stringify(statusSettings![field])) Object.assign(change, { [field]: draft[field] });
    }
    for (const secret of ['password', 'nkeySeed', 'creds'] as const) if (draft[secret] && !locked(secret)) change[secret] = draft[secret];
    const known = new Set(statusSettings!.trustedReviewers.map((reviewer) => reviewer.key));
    const trusting = change.trustedReviewers?.some((reviewer) => !known.has(reviewer.key));
    try {
      const passkey = trusting && data?.[1].registered ? await passkeyAnswer() : undefined;
      const reply = await request({ type: 'set-team', change, ...(passkey ? { passkey } : {}) });
      setMessage(reply.ok ? { text: t('team.saved'), error: false } : { text: reply.error, error: true });
      // Secrets were sent once; the fields empty again so nothing lingers in the page.
      if (reply.ok) setDraft({ ...draft, password: '', nkeySeed: '', creds: '' });
    } catch (cause) {
      setMessage({ text: t('common.nothingChangedBecause', { error: errorText(cause) }), error: true });
    }
  }

  return (
    <fieldset aria-label={t('team.label')} className="team-settings">
      <legend>{t('team.legend')}</legend>
      <p>{t('team.explain')}</p>
      <p role="status">
        {nameOf('team.state', status.state)}
        {status.server && ` ${t('team.server', { server: status.server })}`}
        {status.problem && ` — ${status.problem}`}
        {status.malformed > 0 && ` ${t('team.malformed', status.malformed)}`}
      </p>
      {status.policyProblems.map((problem) => (
        <p key={problem} role="alert">
          {t('team.policyProblem', { problem })}
        </p>
      ))}
      {statusSettings.managed.length > 0 && <p className="note">{t('team.managed', { fields: statusSettings.managed.join(', ') })}</p>}
      <label>
        <input type="checkbox" checked={draft.enabled} disabled={locked('enabled')} onChange={(e) => set({ enabled: e.target.checked })} /> {t('team.enabled')}
      </label>
      <label htmlFor={ids.url}>{t('team.url')}</label>
      <input id={ids.url} value={draft.url} disabled={locked('url')} onChange={(e) => set({ url: e.target.value })} placeholder="wss://nats.example.com:443" />
      <label htmlFor={ids.name}>{t('team.browserName')}</label>
      <input id={ids.name} value={draft.browserName} disabled={locked('browserName')} onChange={(e) => set({ browserName: e.target.value })} placeholder="ci-runner-1" />
      <label htmlFor={ids.role}>{t('team.role')}</label>
      <select id={ids.role} value={draft.role} disabled={locked('role')} onChange={(e) => set({ role: e.target.value as TeamRole })}>
        {TEAM_ROLES.map((role) => (
          <option key={role} value={role}>
            {nameOf('team.roleName', role)}
          </option>
        ))}
      </select>
      <label htmlFor={ids.user}>{t('team.user')}</label>
      <input id={ids.user} value={draft.user} disabled={locked('user')} autoComplete="off" onChange={(e) => set({ user: e.target.value })} />
      <label htmlFor={ids.password}>{t('team.password')}</label>
      <input
        id={ids.password}
        type="password"
        value={draft.password}
        disabled={locked('password')}
        autoComplete="new-password"
        placeholder={statusSettings.hasPassword ? t('team.secretSet') : ''}
        onChange={(e) => set({ password: e.target.value })}
      />
      <details>
        <summary>{t('team.otherCredentials')}</summary>
        <label htmlFor={ids.seed}>{t('team.nkeySeed')}</label>
        <input id={ids.seed} type="password" value={draft.nkeySeed} disabled={locked('nkeySeed')} autoComplete="off" placeholder={statusSettings.hasNkeySeed ? t('team.secretSet') : 'SU…'} onChange={(e) => set({ nkeySeed: e.target.value })} />
        <label htmlFor={ids.creds}>{t('team.creds')}</label>
        <textarea id={ids.creds} rows={3} value={draft.creds} disabled={locked('creds')} placeholder={statusSettings.hasCreds ? t('team.secretSet') : '-----BEGIN NATS USER JWT-----'} onChange={(e) => set({ creds: e.target.value })} />
      </details>
      {draft.role !== 'agent' && (
        <>
          <label htmlFor={ids.reviewer}>{t('team.reviewerName')}</label>
          <input id={ids.reviewer} value={draft.reviewerName} disabled={locked('reviewerName')} onChange={(e) => set({ reviewerName: e.target.value })} />
          <label htmlFor={ids.key}>{t('team.ownKey')}</label>
          <input id={ids.key} readOnly value={status.publicKey} className="key" onFocus={(e) => e.target.select()} />
        </>
      )}
      {draft.role !== 'reviewer' && (
        <fieldset>
          <legend>{t('team.trusted')}</legend>
          {draft.trustedReviewers.length === 0 && <p className="note">{t('team.noTrusted')}</p>}
          <ul>
            {draft.trustedReviewers.map((reviewer) => (
              <li key={reviewer.key}>
                <span>{reviewer.name || t('team.unnamed')}</span> <code>{reviewer.key}</code>{' '}
                {!locked('trustedReviewers') && (
                  <button type="button" onClick={() => set({ trustedReviewers: draft.trustedReviewers.filter((other) => other.key !== reviewer.key) })}>
                    {t('team.removeKey', { name: reviewer.name || reviewer.key.slice(0, 8) })}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {!locked('trustedReviewers') && (
            <div className="add-key">
              <input aria-label={t('team.newKeyName')} placeholder={t('team.newKeyName')} value={newKey.name} onChange={(e) => setNewKey({ ...newKey, name: e.target.value })} />
              <input aria-label={t('team.newKey')} placeholder={t('team.newKey')} value={newKey.key} onChange={(e) => setNewKey({ ...newKey, key: e.target.value.trim() })} />
              <button
                type="button"
                disabled={!newKey.key}
                onClick={() => {
                  set({ trustedReviewers: [...draft.trustedReviewers.filter((other) => other.key !== newKey.key), newKey] });
                  setNewKey({ name: '', key: '' });
                }}
              >
                {t('team.addKey')}
              </button>
            </div>
          )}
        </fieldset>
      )}
      <button type="button" onClick={() => void save()}>
        {t('team.save')}
      </button>
      {message && <p role={message.error ? 'alert' : 'status'}>{message.text}</p>}
    </fieldset>
  );
}
