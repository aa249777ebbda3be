import { useCallback, useId, useState } from 'react';
import type { ActionKind } from '@/lib/actions/types';
import { request } from '@/lib/messaging/client';
import type { RuleChangeReply } from '@/lib/messaging/protocol';
import { grantsTrust, KINDS, TRUST_LEVELS, type Rule, type RuleSpec, type TrustLevel } from '@/lib/policy/rules';
import { parseRulesFile } from '@/lib/policy/rules-file';
import { passkeyAnswer } from './passkey';
import { PageText } from './PageText';
import { useBroker } from './useBroker';

const LEVEL_NAMES: Record<TrustLevel, string> = {
  block: 'Block',
  ask: 'Ask',
  'ask-risky': 'Ask when risky',
  trust: 'Trust',
};

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
      report(await request({ type: 'import-rules', text, ...proof }), `Imported the rules from ${file.name}.`);
    } catch (cause) {
      report({ ok: false, errors: [cause instanceof Error ? cause.message : String(cause)] }, '');
    }
  }

  if (error) return <p role="alert">Could not load the rules: {error}</p>;
  if (!rules) return <p>Loading…</p>;
  const shown = rules
    .filter((rule) => rule.pattern.includes(query.trim().toLowerCase()))
    .sort((a, b) => Number(b.createdBy === 'managed') - Number(a.createdBy === 'managed') || a.pattern.localeCompare(b.pattern));

  return (
    <section aria-label="Sites">
      <div className="toolbar">
        <input type="search" aria-label="Search sites" placeholder="Search sites" value={query} onChange={(e) => setQuery(e.target.value)} />
        <button onClick={() => setEditing('new')}>Add a rule</button>
        <button onClick={() => void exportFile()}>Export rules</button>
        <label className="file-button">
          Import rules
          <input type="file" accept="application/json,.json" onChange={(e) => e.target.files?.[0] && void importFile(e.target.files[0])} />
        </label>
      </div>
      {message && <p role="status">{message}</p>}
      {problems.length > 0 && (
        <div role="alert" className="problems">
          <p>Nothing was changed:</p>
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
              if (report(reply, `Saved the rule for ${spec.pattern}.`)) setEditing(null);
            } catch (cause) {
              report({ ok: false, errors: [cause instanceof Error ? cause.message : String(cause)] }, '');
            }
          }}
        />
      )}
      {shown.length === 0 ? (
        <p className="empty">No rules yet: every site asks.</p>
      ) : (
        <table className="rules" aria-label="Rules">
          <thead>
            <tr>
              <th scope="col">Site</th>
              <th scope="col">Trust</th>
              <th scope="col">Applied</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((rule) => (
              <tr key={rule.id} data-source={rule.createdBy}>
                <td>
                  <PageText text={rule.pattern} />
                  {rule.createdBy === 'managed' && <span className="flag"> locked by your administrator</span>}
                  {rule.expiresAt !== undefined && (
                    <span className="note"> this tab only, until {new Date(rule.expiresAt).toLocaleTimeString()}</span>
                  )}
                  {rule.endpoints?.length ? (
                    <div className="note">
                      always allowed: <PageText text={rule.endpoints.join(', ')} />
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
                  {rule.applied} {rule.applied === 1 ? 'time' : 'times'}
                  {rule.lastApplied && <div className="note">last {new Date(rule.lastApplied).toLocaleString()}</div>}
                </td>
                <td>
                  {rule.createdBy !== 'managed' && (
                    <>
                      {rule.expiresAt === undefined && <button onClick={() => setEditing(rule)}>Edit {rule.pattern}</button>}{' '}
                      <button
                        onClick={() =>
                          void request({ type: 'delete-rule', id: rule.id }).then((reply) =>
                            report(reply, `Revoked the rule for ${rule.pattern}.`),
                          )
                        }
                      >
                        Revoke {rule.pattern}
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
  const overrides = KINDS.filter((kind) => rule.kinds?.[kind]).map((kind) => `${kind}: ${LEVEL_NAMES[rule.kinds![kind]!]}`);
  const threshold = rule.threshold ? ` (threshold ${rule.threshold.amount} ${rule.threshold.currency})` : '';
  return [LEVEL_NAMES[rule.trust], ...overrides].join(', ') + threshold;
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

  function spec(): RuleSpec {
    const result: RuleSpec = { pattern, trust };
    const overrides = Object.fromEntries(Object.entries(kinds).filter(([, level]) => level));
    if (Object.keys(overrides).length) result.kinds = overrides;
    if (amount.trim()) result.threshold = { amount: Number(amount), currency: currency.trim().toUpperCase() };
    const listed = endpoints.split('\n').map((line) => line.trim()).filter(Boolean);
    if (listed.length) result.endpoints = listed;
    if (note.trim()) result.note = note.trim();
    return result;
  }

  return (
    <form
      className="rule-form"
      aria-label={rule ? `Edit the rule for ${rule.pattern}` : 'New rule'}
      onSubmit={(e) => {
        e.preventDefault();
        void props.onSave(spec());
      }}
    >
      <label htmlFor={`${id}-pattern`}>Site</label>
      <input id={`${id}-pattern`} value={pattern} placeholder="https://shop.example or *.example.com" onChange={(e) => setPattern(e.target.value)} />
      <label htmlFor={`${id}-trust`}>Trust</label>
      <select id={`${id}-trust`} value={trust} onChange={(e) => setTrust(e.target.value as TrustLevel)}>
        {TRUST_LEVELS.map((level) => (
          <option key={level} value={level}>
            {LEVEL_NAMES[level]}
          </option>
        ))}
      </select>
      {KINDS.map((kind) => (
        <label key={kind} className="inline">
          {kind}{' '}
          <select
            aria-label={`Trust for ${kind}`}
            value={kinds[kind] ?? ''}
            onChange={(e) => setKinds({ ...kinds, [kind]: (e.target.value || undefined) as TrustLevel | undefined })}
          >
            <option value="">as the site</option>
            {TRUST_LEVELS.map((level) => (
              <option key={level} value={level}>
                {LEVEL_NAMES[level]}
              </option>
            ))}
          </select>
        </label>
      ))}
      <label htmlFor={`${id}-amount`}>Ask for purchases over</label>
      <span>
        <input id={`${id}-amount`} inputMode="decimal" value={amount} placeholder="the default" onChange={(e) => setAmount(e.target.value)} />{' '}
        <input aria-label="Threshold currency" value={currency} size={4} onChange={(e) => setCurrency(e.target.value)} />
      </span>
      <label htmlFor={`${id}-endpoints`}>Always allow these requests</label>
      <textarea
        id={`${id}-endpoints`}
        value={endpoints}
        rows={2}
        placeholder="POST /api/track (one per line)"
        onChange={(e) => setEndpoints(e.target.value)}
      />
      <label htmlFor={`${id}-note`}>Note</label>
      <input id={`${id}-note`} value={note} onChange={(e) => setNote(e.target.value)} />
      <div className="decide">
        <button type="submit">Save rule</button>
        <button type="button" onClick={props.onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
