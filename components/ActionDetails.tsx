import { browser } from 'wxt/browser';
import { KIND_NAMES, type FieldChange, type FieldSnapshot, type GuardSignal, type RequestVia } from '@/lib/actions/types';
import type { ActionRecord } from '@/lib/db/schema';
import { originOf, RISK_NAMES } from '@/lib/policy/risk';
import { PageText } from './PageText';
import { useScreenshot } from './useScreenshot';

export const SIGNAL_NAMES: Record<GuardSignal, string> = {
  webdriver: 'browser is under automation (navigator.webdriver)',
  'untrusted-event': 'the event was synthetic, not a real input',
  debugger: 'a DevTools-protocol client is attached to the tab',
  armed: 'you armed this tab',
  always: 'guard mode is "always"',
  unconfirmed: 'the page acted before its guard state was known',
};

/** A site icon from the browser's own cache: the panel never fetches a page-supplied URL. */
function faviconUrl(pageUrl: string): string {
  const url = new URL('/_favicon/', browser.runtime.getURL('/'));
  url.searchParams.set('pageUrl', pageUrl);
  url.searchParams.set('size', '16');
  return url.toString();
}

const VIA_NAMES: Record<RequestVia, string> = { fetch: 'fetch request', xhr: 'XMLHttpRequest', beacon: 'beacon' };

// Everything from the page renders as text: never as HTML, a link or a style.
export function ActionDetails({ record }: { record: ActionRecord }) {
  const formCrossOrigin = record.risks.includes('cross-origin-post');
  return (
    <div className="details">
      <header>
        {/* Firefox serves no favicon cache to extensions; the panel never loads the page's own. */}
        {!import.meta.env.FIREFOX && <img className="favicon" src={faviconUrl(record.tabUrl)} alt="" width={16} height={16} />}{' '}
        <span className="kind">{KIND_NAMES[record.kind]}</span> <PageText text={record.site} />
      </header>
      <p className="title">
        <PageText text={record.tabTitle || record.frameTitle} fallback="(untitled page)" />
      </p>
      {record.changedSinceHeld && <ChangedSinceHeld changes={record.changedSinceHeld} />}
      {record.refusals?.length ? (
        <div className="refusals" role="note">
          <p>Approvals refused for want of the reviewer’s passkey:</p>
          <ul>
            {record.refusals.map((refusal, index) => (
              <li key={index}>
                {new Date(refusal.at).toLocaleTimeString()}: {refusal.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <Screenshot record={record} />
      <dl>
        <dt>Page</dt>
        <dd className="url">
          <PageText text={record.tabUrl} />
        </dd>
        {record.frameUrl !== record.tabUrl && (
          <>
            <dt>In frame</dt>
            <dd className="url">
              <PageText text={record.frameUrl} />
              {record.frameCrossOrigin && <span className="flag"> another site’s frame</span>}
            </dd>
          </>
        )}
        <dt>Control</dt>
        <dd className="label">
          <PageText text={record.label} fallback="(no label)" />
        </dd>
        {record.amount && (
          <>
            <dt>Amount</dt>
            <dd className="amount">
              {formatAmount(record.amount.value, record.amount.currency)}{' '}
              <span className="note">
                (read as “<PageText text={record.amount.text} />”)
              </span>
            </dd>
          </>
        )}
        {record.recipients ? (
          <>
            <dt>To</dt>
            <dd className="recipients">
              <PageText text={record.recipients.join(', ')} />
            </dd>
          </>
        ) : (
          record.kind === 'send' && (
            <>
              <dt>To</dt>
              <dd className="recipients unknown">Could not tell who receives this</dd>
            </>
          )
        )}
        {record.message !== undefined && (
          <>
            <dt>Message</dt>
            <dd className="message">
              <PageText text={record.message} />
            </dd>
          </>
        )}
        {record.form && (
          <>
            <dt>Sends to</dt>
            <dd className="url">
              {record.form.method.toUpperCase()} <PageText text={record.form.action} />
              {record.form.via && <span className="note"> (a {VIA_NAMES[record.form.via]} the page made)</span>}
              {record.form.target && (
                <span className="note">
                  {' '}
                  (opens in “<PageText text={record.form.target} />”)
                </span>
              )}
              {formCrossOrigin && (
                <span className="flag"> another site than the page ({originOf(record.form.action) ?? 'unknown'})</span>
              )}
            </dd>
          </>
        )}
      </dl>
      {record.unreadable && (
        <div className="unreadable" role="note">
          <p>Countersign could not read all of this action:</p>
          <ul>
            {record.unreadable.map((what) => (
              <li key={what}>
                <PageText text={what} />
              </li>
            ))}
          </ul>
        </div>
      )}
      <WhyHeld record={record} />
    </div>
  );
}

function formatAmount(value: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(value);
  } catch {
    return `${value.toFixed(2)} ${currency}`;
  }
}

function Screenshot({ record }: { record: ActionRecord }) {
  const url = useScreenshot(record.id, record.screenshot === 'captured');
  if (record.screenshot === 'background') return <p className="note">No screenshot: the tab was in the background.</p>;
  if (record.screenshot === 'unavailable') return <p className="note">No screenshot: the browser could not take one.</p>;
  if (record.screenshot === 'withheld') {
    return <p className="note">No screenshot: secret fields on the page could not all be covered.</p>;
  }
  if (!url) return null;
  const target = record.target;
  return (
    <figure className="screenshot">
      <img src={url} alt={`Screenshot of the tab when the action was held`} />
      {target && (
        <span
          className="highlight"
          aria-hidden="true"
          style={{
            left: `${(target.x / target.viewportWidth) * 100}%`,
            top: `${(target.y / target.viewportHeight) * 100}%`,
            width: `${(target.width / target.viewportWidth) * 100}%`,
            height: `${(target.height / target.viewportHeight) * 100}%`,
          }}
        />
      )}
    </figure>
  );
}

function ChangedSinceHeld({ changes }: { changes: FieldChange[] }) {
  return (
    <div className="changed" role="alert">
      <strong>Changed since held:</strong> the page altered this action after it was shown, so nothing was sent.
      <ul>
        {changes.map((change, index) => (
          <li key={index}>
            <PageText text={change.label} />: “<PageText text={change.before} />” → “<PageText text={change.after} />”
          </li>
        ))}
      </ul>
    </div>
  );
}

function WhyHeld({ record }: { record: ActionRecord }) {
  return (
    <div className="why">
      <p>
        Held as a {KIND_NAMES[record.kind].toLowerCase()} because{' '}
        {record.signals.map((signal) => SIGNAL_NAMES[signal]).join('; ')}.
      </p>
      {record.risks.length > 0 && (
        <ul className="risks" aria-label="Risks">
          {record.risks.map((risk) => (
            <li key={risk}>{RISK_NAMES[risk]}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function FieldTable({ fields, caption }: { fields: FieldSnapshot[]; caption: string }) {
  return (
    <table className="fields">
      <caption>{caption}</caption>
      <tbody>
        {fields.map((field, index) => (
          <tr key={index}>
            <th scope="row">
              <PageText text={field.label || field.name} />
            </th>
            <td>
              <PageText text={field.value} />
              {field.truncated && <span className="note"> (truncated)</span>}
              {field.masked && <span className="note"> (masked)</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
