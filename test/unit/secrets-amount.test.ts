import { describe, expect, it } from 'vitest';
import { parseAmount } from '@/lib/actions/amount';
import { looksLikeCardNumber, maskSecret } from '@/lib/actions/secrets';

describe('looksLikeCardNumber', () => {
  it.each([
    ['4242 4242 4242 4242', true],
    ['4111-1111-1111-1111', true],
    ['5555555555554444', true],
    ['378282246310005', true],
    ['4242 4242 4242 4241', false],
    ['1234', false],
    ['order 12345', false],
  ])('%s -> %s', (value, expected) => expect(looksLikeCardNumber(value)).toBe(expected));
});

describe('maskSecret', () => {
  const field = (over: Partial<{ type: string; name: string; autocomplete: string }>) => ({
    type: 'text',
    name: '',
    autocomplete: '',
    ...over,
  });
  it.each([
    [field({ type: 'password' }), 'hunter2', '••••••'],
    [field({ autocomplete: 'one-time-code' }), '123456', '••••••'],
    [field({ autocomplete: 'cc-csc' }), '123', '••••••'],
    [field({ name: 'cvv' }), '123', '••••••'],
    [field({ name: 'card_number' }), '4242424242424242', '•••• 4242'],
    [field({ name: 'note' }), 'pay to 4111 1111 1111 1111', 'pay to 4111 1111 1111 1111'],
    [field({ name: 'passenger' }), 'Ada', 'Ada'],
    [field({ name: 'shipping' }), 'Express', 'Express'],
  ])('%j %s -> %s', (identity, value, masked) => expect(maskSecret(identity, value).value).toBe(masked));
});

describe('parseAmount', () => {
  // Strings as shops, banks and payment pages print them.
  it.each([
    ['Pay $42.00', 42, 'USD'],
    ['Order total: $1,299.99', 1299.99, 'USD'],
    ['$0.99', 0.99, 'USD'],
    ['$1,000,000', 1000000, 'USD'],
    ['US$ 10', 10, 'USD'],
    ['USD 49.95', 49.95, 'USD'],
    ['49.95 USD', 49.95, 'USD'],
    ['Total due $ 15', 15, 'USD'],
    ['Place order • $129.99', 129.99, 'USD'],
    ['Buy now for $5', 5, 'USD'],
    ['C$ 25.00', 25, 'CAD'],
    ['A$19.95', 19.95, 'AUD'],
    ['CAD 12.50', 12.5, 'CAD'],
    ['1.299,00 €', 1299, 'EUR'],
    ['1 299,00 €', 1299, 'EUR'],
    ['1\u00a0299,00\u00a0€', 1299, 'EUR'],
    ['€1,299.00', 1299, 'EUR'],
    ['€ 9,99', 9.99, 'EUR'],
    ['Payer 19,99 €', 19.99, 'EUR'],
    ['Gesamtsumme: 59,90 €', 59.9, 'EUR'],
    ['Zahlungspflichtig bestellen (EUR 120,00)', 120, 'EUR'],
    ['Total a pagar: 35,50 EUR', 35.5, 'EUR'],
    ['Importe total 1.050 €', 1050, 'EUR'],
    ['Montant total : 2 450,75 €', 2450.75, 'EUR'],
    ['£5', 5, 'GBP'],
    ['£1,250.50', 1250.5, 'GBP'],
    ['GBP 80', 80, 'GBP'],
    ['Amount due: £12.00', 12, 'GBP'],
    ['¥1200', 1200, 'JPY'],
    ['¥12,000', 12000, 'JPY'],
    ['JPY 3,500', 3500, 'JPY'],
    ['₹ 4,999', 4999, 'INR'],
    ['₹1,49,999', 149999, 'INR'],
    ['INR 250.00', 250, 'INR'],
    ['CHF 1\'250.00', 1250, 'CHF'],
    ['25.50 CHF', 25.5, 'CHF'],
    ['SEK 499', 499, 'SEK'],
    ['1 299 SEK', 1299, 'SEK'],
    ['R$ 10', 10, 'BRL'],
    ['BRL 99,90', 99.9, 'BRL'],
    ['Donate $25 monthly', 25, 'USD'],
    ['Subscribe – $9.99/month', 9.99, 'USD'],
  ])('%s -> %d %s', (text, value, currency) => {
    expect(parseAmount(text)).toMatchObject({ value, currency });
  });

  it.each(['Place order', 'Room 101', 'Order #4521', 'Call 555-0100', '2 items', 'Version 1.2.3'])(
    'finds no money in %j',
    (text) => expect(parseAmount(text)).toBeUndefined(),
  );
});
