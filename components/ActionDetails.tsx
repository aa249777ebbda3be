import type { ActionKind, GuardSignal } from '@/lib/actions/types';
import type { ActionRecord } from '@/lib/db/schema';

export const KIND_NAMES: Record<ActionKind, string> = { purchase: 'Purchase', send: 'Send', submit: 'Form submission' };

const SIGNAL_NAMES: Record<GuardSignal, string> = {
  webdriver: 'browser is under automation (navigator.webdriver)',
  'untrusted-event': 'the event was synthetic, not a real input',
  debugger: 'a DevTools-protocol client is attached to the tab',
  armed: 'you armed this tab',
  always: 'guard mode is "always"',
  unconfirmed: 'the page acted before its guard state was known',
};

// Everything below is page data: rendered as text only, never as HTML, links or styles.
export function ActionDetails({ record }: { record: ActionRecord }) {
  const visible = record.fields.filter((field) => !field.hidden);
  const hidden = record.fields.filter((field) => field.hidden);
  return (
    <div className="details">
      <header>
        <span className="kind">{KIND_NAMES[record.kind]}</span> <span className="site">{record.site}</span>
      </header>
      <p className="title">{record.tabTitle || record.frameTitle || '(untitled page)'}</p>
      <dl>
        <dt>Control</dt>
        <dd className="label">{record.label || '(no label)'}</dd>
        {record.amount && (
          <>
            <dt>Amount</dt>
            <dd className="amount">
              {record.amount.value.toLocaleString(undefined, { minimumFractionDigits: 2 })} {record.amount.currency}
            </dd>
          </>
        )}
        {record.recipients && (
          <>
            <dt>To</dt>
            <dd>{record.recipients.join(', ')}</dd>
          </>
        )}
        {record.message !== undefined && (
          <>
            <dt>Message</dt>
            <dd className="message">{record.message}</dd>
          </>
        )}
        {record.form && (
          <>
            <dt>Sends to</dt>
            <dd className="url">
              {record.form.method.toUpperCase()} {record.form.action}
            </dd>
          </>
        )}
        {record.frameUrl !== record.tabUrl && (
          <>
            <dt>In frame</dt>
            <dd className="url">{record.frameUrl}</dd>
          </>
        )}
      </dl>
      {visible.length > 0 && <FieldTable fields={visible} caption="Fields" />}
      {hidden.length > 0 && (
        <details>
          <summary>{hidden.length} hidden fields</summary>
          <FieldTable fields={hidden} caption="Hidden fields" />
        </details>
      )}
      {record.fieldsTruncated && <p className="note">Only the first 200 fields were captured.</p>}
      <p className="why">Held because {record.signals.map((signal) => SIGNAL_NAMES[signal]).join('; ')}.</p>
    </div>
  );
}

function FieldTable({ fields, caption }: { fields: ActionRecord['fields']; caption: string }) {
  return (
    <table className="fields">
      <caption>{caption}</caption>
      <tbody>
        {fields.map((field, index) => (
          <tr key={index}>
            <th scope="row">{field.label || field.name}</th>
            <td>
              {field.value}
              {field.truncated && <span className="note"> (truncated)</span>}
              {field.masked && <span className="note"> (masked)</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
