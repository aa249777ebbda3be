import { useId, useState, type FormEvent } from 'react';
import type { DeskProfile, ReviewDesk, SignIn } from '@/lib/desk/desk';
import { errorText } from '../errorText';
import { t } from '../i18n';

/** Where the team server is, and who signs in: user and password, an nkey seed, or a creds file. */
export function SignInForm({ desk, last, problem }: { desk: ReviewDesk; last: DeskProfile | null; problem: string | null }) {
  const [form, setForm] = useState<Required<SignIn>>({ url: last?.url ?? '', reviewerName: last?.reviewerName ?? '', user: '', password: '', nkeySeed: '', creds: '' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { url: useId(), name: useId(), user: useId(), password: useId(), seed: useId(), creds: useId() };
  const set = (change: Partial<SignIn>) => setForm({ ...form, ...change });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      const reply = await desk.signIn(form);
      setError(reply.ok ? null : reply.error);
    } catch (cause) {
      setError(errorText(cause));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="desk-sign-in" aria-label={t('desk.signIn')} onSubmit={(event) => void submit(event)}>
      <p>{t('desk.explain')}</p>
      <label htmlFor={ids.url}>{t('team.url')}</label>
      <input id={ids.url} required value={form.url} inputMode="url" autoCapitalize="off" onChange={(e) => set({ url: e.target.value })} placeholder="wss://nats.example.com:443" />
      <label htmlFor={ids.name}>{t('team.reviewerName')}</label>
      <input id={ids.name} required value={form.reviewerName} autoComplete="name" onChange={(e) => set({ reviewerName: e.target.value })} />
      <label htmlFor={ids.user}>{t('team.user')}</label>
      <input id={ids.user} value={form.user} autoComplete="username" autoCapitalize="off" onChange={(e) => set({ user: e.target.value })} />
      <label htmlFor={ids.password}>{t('team.password')}</label>
      <input id={ids.password} type="password" value={form.password} autoComplete="current-password" onChange={(e) => set({ password: e.target.value })} />
      <details>
        <summary>{t('team.otherCredentials')}</summary>
        <label htmlFor={ids.seed}>{t('team.nkeySeed')}</label>
        <input id={ids.seed} type="password" value={form.nkeySeed} autoComplete="off" placeholder="SU…" onChange={(e) => set({ nkeySeed: e.target.value })} />
        <label htmlFor={ids.creds}>{t('team.creds')}</label>
        <textarea id={ids.creds} rows={3} value={form.creds} placeholder="-----BEGIN NATS USER JWT-----" onChange={(e) => set({ creds: e.target.value })} />
      </details>
      <p className="note">{t('desk.secretsInMemory')}</p>
      <button type="submit" disabled={busy}>
        {t('desk.signIn')}
      </button>
      {(error ?? problem) && <p role="alert">{error ?? problem}</p>}
    </form>
  );
}
