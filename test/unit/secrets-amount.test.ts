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
  it.each([
    ['Pay $42.00', 42, 'USD'],
    ['Order total: $1,299.99', 1299.99, 'USD'],
    ['1.299,00 €', 1299, 'EUR'],
    ['Payer 19,99 €', 19.99, 'EUR'],
    ['£5', 5, 'GBP'],
    ['¥1200', 1200, 'JPY'],
    ['₹ 4,999', 4999, 'INR'],
    ['EUR 25', 25, 'EUR'],
    ['25.50 CHF', 25.5, 'CHF'],
    ['US$ 10', 10, 'USD'],
  ])('%s -> %d %s', (text, value, currency) => {
    expect(parseAmount(text)).toMatchObject({ value, currency });
  });

  it('finds nothing in text without money', () => {
    expect(parseAmount('Place order')).toBeUndefined();
    expect(parseAmount('Room 101')).toBeUndefined();
  });
});
