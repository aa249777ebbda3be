const SECRET_AUTOCOMPLETE = /\b(current-password|new-password|cc-number|cc-csc|one-time-code)\b/;
const SECRET_NAME = /passw(or)?d|\bpass\b|pwd|card.?num|cc.?num|cvv|cvc|\bcsc\b|security.?code|\botp\b|one.?time|\bpin\b|2fa|totp/i;

/** Luhn check for 13–19 digit strings: catches card numbers in fields named anything. */
export function looksLikeCardNumber(value: string): boolean {
  const digits = value.replace(/[\s-]/g, '');
  if (!/^\d{13,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export interface FieldIdentity {
  type: string;
  name: string;
  autocomplete: string;
}

/** Returns the value as it may leave the page: secrets masked, card numbers down to the last four. */
export function maskSecret(field: FieldIdentity, value: string): { value: string; masked: boolean } {
  if (looksLikeCardNumber(value)) return { value: `•••• ${value.replace(/\D/g, '').slice(-4)}`, masked: true };
  const secret =
    field.type === 'password' || SECRET_AUTOCOMPLETE.test(field.autocomplete) || SECRET_NAME.test(field.name);
  if (secret && value) return { value: '••••••', masked: true };
  return { value, masked: false };
}
