import { parseAmount } from './amount';
import { attr, matches, parentOf, query, queryAll, textOf } from './native';
import type { FieldSnapshot, LineItem } from './types';
import { clip, normalizeLabel } from './wording';

// What a purchase buys and where it goes, read from the order summary around its control.

const ROW = 'li, tr, [role=row], [role=listitem]';
const NAME = '[class*=name], [class*=Name], [class*=title], [class*=Title], [itemprop=name], h2, h3, h4, h5, a, strong';
const NOT_AN_ITEM = /^(sub-?total|total|order total|grand total|shipping|delivery|postage|tax|vat|discount|coupon|gesamt|zwischensumme|versand|mwst|rabatt|livraison|remise|envío|impuestos|descuento)\b/i;
const QUANTITY = /(?:qty|quantity|menge|anzahl|quantité|qté|cantidad|cant\.)\s*:?\s*(\d{1,4})|(\d{1,4})\s*[×x]\s|[×x]\s*(\d{1,4})\b/i;
const DELIVERY = /deliver(?:y|ing)? (?:to|address)|ship(?:ping)? (?:to|address)|send to|lieferadresse|lieferanschrift|versandadresse|liefern an|adresse de livraison|livrer à|dirección de (?:envío|entrega)|enviar a/i;
const HEADING = 'h1, h2, h3, h4, h5, h6, legend, dt, caption, [aria-label], [class*=title], [class*=heading]';
const ADDRESS_FIELD = /address|street|city|postal|zip|shipping|delivery|adresse|straße|strasse|ort|plz|dirección|ciudad/i;
const CONTROLS = 'button, a, input, select, textarea, [role=button]';
const SCOPE_DEPTH = 10;
const MAX_ITEMS = 20;
const MAX_ROWS = 300;
const ADDRESS_LIMIT = 300;

/**
 * The line items of the nearest order summary around the control: rows (list items, table
 * rows) that show one price and something more, leaving out totals, shipping and tax.
 */
export function lineItemsNear(control: Element): LineItem[] {
  let scope = parentOf(control);
  for (let depth = 0; scope && depth < SCOPE_DEPTH; depth++, scope = parentOf(scope)) {
    const rows = queryAll(scope, ROW).slice(0, MAX_ROWS);
    const innermost = rows.filter((row) => !query(row, ROW));
    const items = innermost.map(lineItem).filter((item): item is LineItem => item !== null);
    if (items.length) return items.slice(0, MAX_ITEMS);
  }
  return [];
}

function lineItem(row: Element): LineItem | null {
  const text = normalizeLabel(textOf(row));
  if (!text || text.length > 300 || NOT_AN_ITEM.test(text)) return null;
  // "Qty: 2 €19.98" is a quantity and a price, not "2 €".
  const withoutQuantity = text.replace(QUANTITY, ' ');
  const price = parseAmount(withoutQuantity);
  if (!price) return null;
  const named = query(row, NAME);
  const rest = withoutQuantity.replace(price.text, ' ');
  const name = normalizeLabel(named ? textOf(named) : rest);
  if (!/\p{L}/u.test(name) || NOT_AN_ITEM.test(name)) return null;
  const item: LineItem = { name: clip(name, 120), price: price.text };
  const quantity = quantityOf(row, text);
  if (quantity) item.quantity = quantity;
  return item;
}

function quantityOf(row: Element, text: string): number | undefined {
  const field = query(row, 'input[type=number], select');
  const fromField = field ? Number((field as HTMLInputElement | HTMLSelectElement).value) : NaN;
  if (Number.isInteger(fromField) && fromField > 0) return fromField;
  const match = QUANTITY.exec(text);
  const fromText = Number(match?.[1] ?? match?.[2] ?? match?.[3]);
  return Number.isInteger(fromText) && fromText > 0 ? fromText : undefined;
}

/**
 * Where it is delivered: an `<address>`, or the block under a heading or label that says
 * "Delivery address", "Ship to"…; undefined when the page shows neither.
 */
export function deliveryAddressIn(doc: Document): string | undefined {
  const body = doc.body;
  if (!body) return undefined;
  const address = queryAll(body, 'address').find((element) => normalizeLabel(textOf(element)));
  if (address) return clip(normalizeLabel(shownText(address)), ADDRESS_LIMIT);
  for (const heading of queryAll(body, HEADING).slice(0, 500)) {
    const labelled = attr(heading, 'aria-label');
    const title = labelled ?? textOf(heading);
    if (!DELIVERY.test(title) || title.length > 80 || query(heading, CONTROLS) || matches(heading, CONTROLS)) continue;
    // A labelled block holds the address; a heading sits above it, in the same container.
    const block = labelled ? heading : (parentOf(heading) ?? heading);
    let text = shownText(block);
    // Not the heading itself, nor the block's buttons ("Change").
    for (const part of [...(labelled ? [] : [heading]), ...queryAll(block, CONTROLS).slice(0, 20)]) text = text.replace(shownText(part), ' ');
    text = normalizeLabel(text);
    if (text) return clip(text, ADDRESS_LIMIT);
  }
  return undefined;
}

/** Text as shown, line breaks kept apart (`<br>` between lines of an address). */
function shownText(element: Element): string {
  const shown = (element as HTMLElement).innerText;
  return typeof shown === 'string' ? shown : textOf(element);
}

/** Whether the action's own fields carry an address (a checkout form): the card shows it there. */
export function fieldsCarryAddress(fields: readonly FieldSnapshot[]): boolean {
  return fields.some((field) => !field.hidden && (ADDRESS_FIELD.test(field.name) || ADDRESS_FIELD.test(field.label)));
}
