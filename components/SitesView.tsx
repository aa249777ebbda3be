import { useCallback, useId, useState } from 'react';
import type { ActionKind } from '@/lib/actions/types';
import { request } from '@/lib/messaging/client';
import type { RuleChangeReply } from '@/lib/messaging/protocol';
import { grantsTrust, KINDS, TRUST_LEVELS, type Rule, type RuleSpec, type TrustLevel } from '@/lib/policy/rules';
import { parseRulesFile } from '@/lib/policy/rules-file';
import { kindName, Message, nameOf, t } from './i18n';
import { passkeyAnswer } from './passkey';
import { PageText } from './PageText';
import { useBroker } from './useBroker';
import { errorText } from './errorText';

const levelName = (level: TrustLevel) => nameOf('level', level);

/** Per-site rules: list, search, create, edit, revoke, export and import. */
export function SitesView() {
  const load = useCallback(() => request({ type: 'rules' }), []);
  const { data: rules, error } = useBroker(load);
  const loadPasskey = useCallback(() => request({ type: 'passkey-status' }), []);
  const { data: passkey } = useBroker(loadPasskey);
  /** With a key registered, rules that let anything through take it. */
  const proofFor = async (trusting: boolean) => (passkey?.registered && trusting ? { passkey: await passkeyAnswer() } : {});
  const [query, setQuery] = useState('');
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [message, setMessage] = useState<string | null>(null);

  function report(reply: RuleChangeReply, success: string) {
    setProblems(reply.ok ? [] : reply.errors);
    setMessage(reply.ok ? success : null);
    return reply.ok;
  }

  async function exportFile() {
    const file = await request({ type: 'export-rules' });
    const url = URL.createObjectURL(new Blob([JSON.stringify(file, null, 2)], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `countersign-rules-${new Date().toISOString().slice(0, 10)}.json`;
    link.click();
    URL.revokeObjectURL(url);
  }

  async function importFile(file: File) {
    const text = await file.text();
    const parsed = parseRulesFile(text);
    try {
      const proof = await proofFor('rules' in parsed && parsed.rules.some(grantsTrust));
      report(await request({ type: 'import-rules', text, ...proof }), t('sites.imported', { file: file.name }));
    } catch (cause) {
      report({ ok: false, errors: [errorText(cause)] }, '');
    }
  }

  if (error) return <p role="alert">{t('sites.loadError', { error })}</p>;
  if (!rules) return <p>{t('common.loading')}</p>;
  const shown = rules
    .filter((rule) => rule.pattern.includes(query.trim().toLowerCase()))
    .sort((a, b) => Number(b.createdBy === 'managed') - Number(a.createdBy === 'managed') || a.pattern.localeCompare(b.pattern));

  return (
    <section aria-label={t('sites.label')}>
      <div className="toolbar">
        <input type="search" aria-label={t('sites.search')} placeholder={t('sites.search')} value={query} onChange={(e) => setQuery(e.target.value)} />
        <button onClick={() => setEditing('new')}>{t('sites.add')}</button>
        <button onClick={() => void exportFile()}>{t('sites.export')}</button>
        <label className="file-button">
          {t('sites.import')}
          <input type="file" accept="application/json,.json" onChange={(e) => e.target.files?.[0] && void importFile(e.target.files[0])} />
        </label>
      </div>
      {message && <p role="status">{message}</p>}
      {problems.length > 0 && (
        <div role="alert" className="problems">
          <p>{t('sites.problems')}</p>
          <ul>
            {problems.map((problem, index) => (
              <li key={index}>{problem}</li>
            ))}
          </ul>
        </div>
      )}
      {editing && (
        <RuleForm
          rule={editing === 'new' ? undefined : editing}
          onDone={() => setEditing(null)}
          onSave={async (spec) => {
            try {
              const reply = await request({
                type: 'save-rule',
                ...(editing !== 'new' ? { id: editing.id } : {}),
                spec,
                ...(await proofFor(grantsTrust(spec))),
              });
              if (report(reply, t('sites.saved', { site: spec.pattern }))) setEditing(null);
            } catch (cause) {
              report({ ok: false, errors: [errorText(cause)] }, '');
            }
          }}
        />
      )}
      {shown.length === 0 ? (
        <p className="empty">{t('sites.empty')}</p>
      ) : (
        <table className="rules" aria-label={t('sites.table')}>
          <thead>
            <tr>
              <th scope="col">{t('sites.site')}</th>
              <th scope="col">{t('sites.trust')}</th>
              <th scope="col">{t('sites.applied')}</th>
              <th scope="col">{t('sites.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((rule) => (
              <tr key={rule.id} data-source={rule.createdBy}>
                <td>
                  <PageText text={rule.pattern} />
                  {rule.createdBy === 'managed' && <span className="flag"> {t('sites.locked')}</span>}
                  {rule.expiresAt !== undefined && (
                    <span className="note"> {t('sites.thisTabUntil', { time: new Date(rule.expiresAt).toLocaleTimeString() })}</span>
                  )}
                  {rule.endpoints?.length ? (
                    <div className="note">
                      <Message id="sites.alwaysAllowed" parts={{ endpoints: <PageText text={rule.endpoints.join(', ')} /> }} />
                    </div>
                  ) : null}
                  {rule.tools?.length ? (
                    <div className="note">
                      <Message id="sites.toolsAllowed" parts={{ tools: <PageText text={rule.tools.join(', ')} /> }} />
                    </div>
                  ) : null}
                  {rule.note && (
                    <div className="note">
                      <PageText text={rule.note} />
                    </div>
                  )}
                </td>
                <td>{describeLevels(rule)}</td>
                <td>
                  {t('sites.times', rule.applied)}
                  {rule.lastApplied && <div className="note">{t('sites.lastApplied', { time: new Date(rule.lastApplied).toLocaleString() })}</div>}
                </td>
                <td>
                  {rule.createdBy !== 'managed' && (
                    <>
                      {rule.expiresAt === undefined && <button onClick={() => setEditing(rule)}>{t('sites.edit', { site: rule.pattern })}</button>}{' '}
                      <button
                        onClick={() =>
                          void request({ type: 'delete-rule', id: rule.id }).then((reply) =>
                            report(reply, t('sites.revoked', { site: rule.pattern })),
                          )
                        }
                      >
                        {t('sites.revoke', { site: rule.pattern })}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function describeLevels(rule: Rule): string {
  const overrides = KINDS.filter((kind) => rule.kinds?.[kind]).map((kind) =>
    t('sites.kindLevel', { kind: kindName(kind), level: levelName(rule.kinds![kind]!) }),
  );
  const threshold = rule.threshold ? ` ${t('sites.threshold', { amount: rule.threshold.amount, currency: rule.threshold.currency })}` : '';
  return [levelName(rule.trust), ...overrides].join(', ') + threshold;
}

function RuleForm(props: { rule?: Rule; onSave: (spec: RuleSpec) => Promise<void>; onDone: () => void }) {
  const { rule } = props;
  const id = useId();
  const [pattern, setPattern] = useState(rule?.pattern ?? '');
  const [trust, setTrust] = useState<TrustLevel>(rule?.trust ?? 'ask');
  const [kinds, setKinds] = useState<Partial<Record<ActionKind, TrustLevel>>>(rule?.kinds ?? {});
  const [amount, setAmount] = useState(rule?.threshold ? String(rule.threshold.amount) : '');
  const [currency, setCurrency] = useState(rule?.threshold?.currency ?? 'USD');
  const [note, setNote] = useState(rule?.note ?? '');
  const [endpoints, setEndpoints] = useState((rule?.endpoints ?? []).join('\n'));
  const [tools, setTools] = useState((rule?.tools ?? []).join('\n'));

  function spec(): RuleSpec {
    const result: RuleSpec = { pattern, trust };
    const overrides = Object.fromEntries(Object.entries(kinds).filter(([, level]) => level));
    if (Object.keys(overrides).length) result.kinds = overrides;
    if (amount.trim()) result.threshold = { amount: Number(amount), currency: currency.trim().toUpperCase() };
    const listed = endpoints.split('\n').map((line) => line.trim()).filter(Boolean);
    if (listed.length) result.endpoints = listed;
    const named = tools.split('\n').map((line) => line.trim()).filter(Boolean);
    if (named.length) result.tools = named;
    if (note.trim()) result.note = note.trim();
    return result;
  }

  return (
    <form
      className="rule-form"
      aria-label={rule ? t('sites.editRule', { site: rule.pattern }) : t('sites.newRule')}
      onSubmit={(e) => {
        e.preventDefault();
        void props.onSave(spec());
      }}
    >
      <label htmlFor={`${id}-pattern`}>{t('sites.site')}</label>
      <input id={`${id}-pattern`} value={pattern} placeholder={t('sites.sitePlaceholder')} onChange={(e) => setPattern(e.target.value)} />
      <label htmlFor={`${id}-trust`}>{t('sites.trust')}</label>
      <select id={`${id}-trust`} value={trust} onChange={(e) => setTrust(e.target.value as TrustLevel)}>
        {TRUST_LEVELS.map((level) => (
          <option key={level} value={level}>
            {levelName(level)}
          </option>
        ))}
      </select>
      {KINDS.map((kind) => (
        <label key={kind} className="inline">
          {kindName(kind)}{' '}
          <select
            aria-label={t('sites.trustFor', { kind: kindName(kind) })}
            value={kinds[kind] ?? ''}
            onChange={(e) => setKinds({ ...kinds, [kind]: (e.target.value || undefined) as TrustLevel | undefined })}
          >
            <option value="">{t('sites.asTheSite')}</option>
            {TRUST_LEVELS.map((level) => (
              <option key={level} value={level}>
                {levelName(level)}
              </option>
            ))}
          </select>
        </label>
      ))}
      <label htmlFor={`${id}-amount`}>{t('sites.askOver')}</label>
      <span>
        <input id={`${id}-amount`} inputMode="decimal" value={amount} placeholder={t('sites.theDefault')} onChange={(e) => setAmount(e.target.value)} />{' '}
        <input aria-label={t('sites.currency')} value={currency} size={4} onChange={(e) => setCurrency(e.target.value)} />
      </span>
      <label htmlFor={`${id}-endpoints`}>{t('sites.endpoints')}</label>
      <textarea
        id={`${id}-endpoints`}
        value={endpoints}
        rows={2}
        placeholder={t('sites.endpointsPlaceholder')}
        onChange={(e) => setEndpoints(e.target.value)}
      />
      <label htmlFor={`${id}-tools`}>{t('sites.tools')}</label>
      <textarea id={`${id}-tools`} value={tools} rows={2} placeholder={t('sites.toolsPlaceholder')} onChange={(e) => setTools(e.target.value)} />
      <label htmlFor={`${id}-note`}>{t('sites.note')}</label>
      <input id={`${id}-note`} value={note} onChange={(e) => setNote(e.target.value)} />
      <div className="decide">
        <button type="submit">{t('sites.save')}</button>
        <button type="button" onClick={props.onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
