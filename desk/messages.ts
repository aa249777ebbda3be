/** Chrome's getMessage rules over one message: $1…$9 are the substitutions, $$ is a dollar sign. */
export function fillMessage(message: string, substitutions?: string | (string | number)[]): string {
  const values = typeof substitutions === 'string' ? [substitutions] : (substitutions ?? []);
  return message.replace(/\$(\$|[1-9])/g, (_, what: string) => (what === '$' ? '$' : String(values[Number(what) - 1] ?? '')));
}

/** The first of the reader's languages the locales have (`de-AT` reads `de`), else English. */
export function pickLocale(available: readonly string[], wanted: readonly string[]): string {
  for (const language of wanted) {
    const base = language.toLowerCase().split('-')[0]!;
    if (available.includes(base)) return base;
  }
  return 'en';
}
