import { browser } from 'wxt/browser';
import type { FieldChange, FieldSnapshot } from '@/lib/actions/types';
import type { ActionRecord } from '@/lib/db/schema';
import { originOf } from '@/lib/policy/risk';
import { kindName, Message, nameOf, t } from './i18n';
import { PageText } from './PageText';
import { useScreenshot } from './useScreenshot';


/** A site icon from the browser's own cache: the panel never fetches a page-supplied URL. */
function faviconUrl(pageUrl: string): string {
  const url = new URL('/_favicon/', browser.runtime.getURL('/'));
  url.searchParams.set('pageUrl', pageUrl);
  url.searchParams.set('size', '16');
  return url.toString();
}

// Everything from the page renders as text: never as HTML, a link or a style.
/** `picture`: the screenshot's address when it comes from elsewhere than this browser's history (a team card). */
export function ActionDetails({ record, picture }: { record: ActionRecord; picture?: string | null }) {
  const formCrossOrigin = record.risks.includes('cross-origin-post');
  return (
    <div className="details">
      <header>
        {/* Firefox serves no favicon cache to extensions, a desk page has none; the page's own is never loaded. */}
        {!import.meta.env.FIREFOX && import.meta.env.BROWSER !== 'desk' && <img className="favicon" src={faviconUrl(record.tabUrl)} alt="" width={16} height={16} />}{' '}
        <span className="kind">{kindName(record.kind)}</span> <PageText text={record.site} />
      </header>
      <p className="title">
        <PageText text={record.tabTitle || record.frameTitle} fallback={t('details.untitled')} />
      </p>
      <AgentContext record={record} />
      {record.changedSinceHeld && <ChangedSinceHeld changes={record.changedSinceHeld} />}
      {record.refusals?.length ? (
        <div className="refusals" role="note">
          <p>{t('details.refusals')}</p>
          <ul>
            {record.refusals.map((refusal, index) => (
              <li key={index}>
                {new Date(refusal.at).toLocaleTimeString()}: {refusal.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <Screenshot record={record} picture={picture} />
      <dl>
        <dt>{t('details.page')}</dt>
        <dd className="url">
          <PageText text={record.tabUrl} />
        </dd>
        {record.frameUrl !== record.tabUrl && (
          <>
            <dt>{t('details.inFrame')}</dt>
            <dd className="url">
              <PageText text={record.frameUrl} />
              {record.frameCrossOrigin && <span className="flag"> {t('details.otherSitesFrame')}</span>}
            </dd>
          </>
        )}
        {record.tool ? (
          <>
            <dt>{t('details.tool')}</dt>
            <dd className="tool">
              <strong>
                <PageText text={record.tool.name} />
              </strong>
              {record.tool.description && (
                <>
                  {': '}
                  <PageText text={record.tool.description} />
                </>
              )}
              {record.tool.declarative && <span className="note"> {t('details.toolDeclarative')}</span>}
              {record.tool.consequential && <span className="flag"> {t('details.toolConsequential')}</span>}
              {record.tool.readOnly && <span className="note"> {t('details.toolReadOnly')}</span>}
            </dd>
          </>
        ) : (
          <>
            {/* A script's or a tool's request has no control behind it: the label is the request. */}
            <dt>{t(record.cause ? 'details.request' : 'details.control')}</dt>
            <dd className="label">
              <PageText text={record.label} fallback={t('details.noLabel')} />
            </dd>
          </>
        )}
        {record.amount && (
          <>
            <dt>{t('details.amount')}</dt>
            <dd className="amount">
              {formatAmount(record.amount.value, record.amount.currency)}{' '}
              <span className="note">
                <Message id="details.readAs" parts={{ text: <PageText text={record.amount.text} /> }} />
              </span>
            </dd>
          </>
        )}
        {record.items?.length ? (
          <>
            <dt>{t('details.items')}</dt>
            <dd className="items">
              <ul>
                {record.items.map((item, index) => (
                  <li key={index}>
                    {item.quantity !== undefined && `${item.quantity} × `}
                    <PageText text={item.name} />
                    {item.price && (
                      <>
                        {' · '}
                        <PageText text={item.price} />
                      </>
                    )}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
        {record.deliverTo && (
          <>
            <dt>{t('details.deliverTo')}</dt>
            <dd className="deliver-to">
              <PageText text={record.deliverTo} />
            </dd>
          </>
        )}
        {record.recipients ? (
          <>
            <dt>{t('details.to')}</dt>
            <dd className="recipients">
              <PageText text={record.recipients.join(', ')} />
            </dd>
          </>
        ) : (
          record.kind === 'send' && (
            <>
              <dt>{t('details.to')}</dt>
              <dd className="recipients unknown">{t('details.recipientsUnknown')}</dd>
            </>
          )
        )}
        {record.message !== undefined && (
          <>
            <dt>{t('details.message')}</dt>
            <dd className="message">
              <PageText text={record.message} />
            </dd>
          </>
        )}
        {record.form && (
          <>
            <dt>{t('details.sendsTo')}</dt>
            <dd className="url">
              {(record.form.asMethod ?? record.form.method).toUpperCase()} <PageText text={record.form.action} />
              {record.form.asMethod && <span className="note"> {t('details.methodOverride', { method: record.form.method.toUpperCase() })}</span>}
              {record.form.via && (
                <span className="note">
                  {' '}
                  {t(causeKey(record.cause), { via: t(`details.via.${record.form.via}`) })}
                </span>
              )}
              {record.form.target && (
                <span className="note">
                  {' '}
                  <Message id="details.opensIn" parts={{ target: <PageText text={record.form.target} /> }} />
                </span>
              )}
              {formCrossOrigin && (
                <span className="flag"> {t('details.otherSite', { origin: originOf(record.form.action) ?? t('details.unknownOrigin') })}</span>
              )}
            </dd>
          </>
        )}
        {record.alsoSends?.length ? (
          <>
            <dt>{t('details.alsoSends')}</dt>
            <dd className="also-sends">
              <ul>
                {record.alsoSends.map((request, index) => (
                  <li key={index}>
                    {request.method.toUpperCase()} <PageText text={request.url} />
                    {request.fields.length > 0 && (
                      <>
                        {': '}
                        <PageText text={request.fields.map((field) => `${field.name}=${field.value}`).join('&')} />
                      </>
                    )}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
      </dl>
      {record.unreadable && (
        <div className="unreadable" role="note">
          <p>{t('details.unreadable')}</p>
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

/** What the agent said on its channel: its task, and its doubt while it said it was unsure. */
export function AgentContext({ record }: { record: ActionRecord }) {
  return (
    <>
      {record.task && (
        <p className="task">
          <strong>{t('details.task')}</strong> <PageText text={record.task.task} />
          {record.task.constraints && (
            <span className="note">
              {' '}
              (<PageText text={record.task.constraints} />)
            </span>
          )}
        </p>
      )}
      {record.unsure && (
        <p className="unsure">
          <strong>{t('details.unsure', { percent: Math.round(record.unsure.value * 100) })}</strong> <PageText text={record.unsure.about} />
        </p>
      )}
    </>
  );
}

function causeKey(cause: ActionRecord['cause']) {
  if (cause === 'evaluated-script') return 'details.madeByScript';
  return cause === 'tool-execution' ? 'details.madeByTool' : 'details.madeByPage';
}

function formatAmount(value: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(value);
  } catch {
    return `${value.toFixed(2)} ${currency}`;
  }
}

export function Screenshot({ record, picture }: { record: ActionRecord; picture: string | null | undefined }) {
  const stored = useScreenshot(record.id, record.screenshot === 'captured' && picture === undefined);
  const url = picture === undefined ? stored : picture;
  if (record.screenshot === 'background') return <p className="note">{t('details.screenshotBackground')}</p>;
  if (record.screenshot === 'unavailable') return <p className="note">{t('details.screenshotUnavailable')}</p>;
  if (record.screenshot === 'withheld') return <p className="note">{t('details.screenshotWithheld')}</p>;
  if (!url) return null;
  const target = record.target;
  return (
    <figure className="screenshot">
      <img src={url} alt={t('details.screenshotAlt')} />
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
      <strong>{t('details.changedTitle')}</strong> {t('details.changedBody')}
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
        {t('details.heldBecause', {
          kind: t(`kind.asWhat.${record.kind}`),
          signals: record.signals.map((signal) => nameOf('signal', signal)).join('; '),
        })}
      </p>
      {record.risks.length > 0 && (
        <ul className="risks" aria-label={t('details.risks')}>
          {record.risks.map((risk) => (
            <li key={risk}>{nameOf('risk', risk)}</li>
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
              {field.truncated && <span className="note"> {t('details.truncated')}</span>}
              {field.masked && <span className="note"> {t('details.masked')}</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
