import { request } from '@/lib/messaging/client';
import { endpointOf } from '@/lib/policy/rules';
import { passkeyAnswer } from './passkey';
import type { QueuedAction } from '@/lib/messaging/protocol';
import { ActionDetails } from './ActionDetails';
import { CardDecision, type CardVerdict } from './CardDecision';
import { refusalText } from './errorText';
import { kindName, kindPlural, t } from './i18n';
import { useCardAction } from './useCardAction';
import { useDwell } from './useDwell';

/** One pending action: everything the reviewer needs, then Approve, Reject or Edit. */
export function ActionCard({
  record,
  dwellMs,
  approvalsPaused,
  passkeyRegistered,
}: {
  record: QueuedAction;
  dwellMs: number;
  approvalsPaused: boolean;
  /** With a key registered, every rule made from a card takes it. */
  passkeyRegistered: boolean;
}) {
  // Until the broker has evaluated the action (risks, confirmation), nothing may approve it.
  const evaluated = record.evaluatedAt !== undefined;
  const dwell = useDwell(dwellMs, evaluated);
  const { busy, error, setError, run } = useCardAction(t('common.nothingChanged'));
  const destination = record.form && record.kind !== 'unclassified' ? endpointOf(record.form) : undefined;
  // Offered only where it could ever apply: a request to the site itself.
  const endpoint = destination?.origin === record.site ? destination.endpoint : undefined;

  const submit = async (decision: CardVerdict) =>
    request({
      type: 'decide',
      id: record.id,
      dwellMs: dwell.since(),
      ...decision,
      ...(decision.verdict === 'approve' && record.needsPasskey ? { passkey: await passkeyAnswer(record.id) } : {}),
    });

  /** The passkey answer a rule made from this card needs, when a key is registered. */
  const trustProof = async () => (passkeyRegistered ? { passkey: await passkeyAnswer(record.id) } : {});

  async function reveal(index: number): Promise<string | null> {
    const reply = await request({ type: 'reveal', id: record.id, index });
    if ('value' in reply) return reply.value;
    setError(refusalText(reply, reply.error));
    return null;
  }

  const approveBlocked = busy || !dwell.ready || approvalsPaused || !evaluated;
  return (
    <article
      ref={dwell.ref}
      tabIndex={-1}
      className={`card kind-${record.kind}`}
      aria-label={t('card.label', { kind: kindName(record.kind), site: record.site })}
      data-confirm={record.confirm?.value}
    >
      {record.groupSize > 1 && (
        <p className="group">{t('card.group', { count: record.groupSize })}</p>
      )}
      <ActionDetails record={record} />
      <CardDecision action={record} approveBlocked={approveBlocked} submit={submit} reveal={reveal} error={error} onError={setError} />
      <details className="rule-actions">
        <summary>{t('card.rulesFor', { site: record.site })}</summary>
        <div className="decide">
          <button disabled={approveBlocked} onClick={() => void run(async () => request({ type: 'always', id: record.id, level: 'trust', ...(await trustProof()) }))}>
            {t('card.alwaysAllow', { kinds: kindPlural(record.kind), site: record.site })}
          </button>
          <button disabled={busy} onClick={() => void run(() => request({ type: 'always', id: record.id, level: 'block' }))}>
            {t('card.alwaysBlock', { kinds: kindPlural(record.kind), site: record.site })}
          </button>
          {record.tool && !record.tool.declarative && record.kind !== 'unclassified' && (
            <button disabled={approveBlocked} onClick={() => void run(async () => request({ type: 'allow-tool', id: record.id, ...(await trustProof()) }))}>
              {t('card.alwaysAllowTool', { tool: record.tool.name, site: record.site })}
            </button>
          )}
          {endpoint && (
            <button disabled={approveBlocked} onClick={() => void run(async () => request({ type: 'allow-endpoint', id: record.id, ...(await trustProof()) }))}>
              {t('card.alwaysAllowEndpoint', { endpoint, site: record.site })}
            </button>
          )}
        </div>
        <div className="decide">
          {GRANTS.map(({ label, ms }) => (
            <button
              key={ms}
              disabled={approveBlocked}
              onClick={() => void run(async () => request({ type: 'grant', id: record.id, durationMs: ms, ...(await trustProof()) }))}
            >
              {t(label)}
            </button>
          ))}
        </div>
      </details>
    </article>
  );
}

const GRANTS = [
  { label: 'card.grant15Minutes', ms: 15 * 60 * 1000 },
  { label: 'card.grant1Hour', ms: 60 * 60 * 1000 },
] as const;
