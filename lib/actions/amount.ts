import type { Amount } from './types';

const SYMBOLS: Record<string, string> = {
  $: 'USD',
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'JPY',
  '₹': 'INR',
  '₩': 'KRW',
  '₽': 'RUB',
  '₺': 'TRY',
  '₪': 'ILS',
  '฿': 'THB',
  '₫': 'VND',
  '₱': 'PHP',
  '₦': 'NGN',
  '₴': 'UAH',
};
const CODES = 'USD|EUR|GBP|JPY|INR|CHF|CAD|AUD|NZD|SEK|NOK|DKK|PLN|CZK|MXN|BRL|CNY|HKD|SGD|KRW|ZAR|TRY|ILS|AED|THB';
// Any currency sign (Unicode Sc); one without a code of ours is kept as the sign itself.
const SIGN = '\\p{Sc}';
const NUMBER = '(?:\\d{1,2}(?:,\\d{2})+,\\d{3}(?:\\.\\d{1,2})?|\\d{1,3}(?:[.,\\u00a0\\u202f \']\\d{3})*(?:[.,]\\d{1,2})?|\\d+(?:[.,]\\d{1,2})?)(?!\\d)';
const AMOUNT = new RegExp(
  `(?:(US\\$|C\\$|A\\$|R\\$|${SIGN}|\\b(?:${CODES})\\b)\\s?(${NUMBER}))|(?:(${NUMBER})\\s?(${SIGN}|\\b(?:${CODES})\\b))`,
  'u',
);

/** Reads the first money amount in a text: "$1,299.00", "1.299,00 €", "EUR 25", "¥1200". */
export function parseAmount(text: string): Amount | undefined {
  const match = AMOUNT.exec(text.slice(0, 2000));
  if (!match) return undefined;
  const symbol = match[1] ?? match[4] ?? '';
  const digits = match[2] ?? match[3] ?? '';
  const value = parseNumber(digits);
  if (!Number.isFinite(value)) return undefined;
  return { value, currency: currencyOf(symbol), text: match[0].trim() };
}

function currencyOf(symbol: string): string {
  if (symbol === 'US$') return 'USD';
  if (symbol === 'C$') return 'CAD';
  if (symbol === 'A$') return 'AUD';
  if (symbol === 'R$') return 'BRL';
  return SYMBOLS[symbol] ?? symbol.toUpperCase();
}

/** The last separator followed by one or two digits is the decimal mark; the rest group thousands. */
function parseNumber(digits: string): number {
  const compact = digits.replace(/[\u00a0\u202f ']/g, '');
  const decimal = /[.,](\d{1,2})$/.exec(compact);
  if (!decimal) return Number(compact.replace(/[.,]/g, ''));
  const whole = compact.slice(0, decimal.index).replace(/[.,]/g, '');
  return Number(`${whole}.${decimal[1]}`);
}
