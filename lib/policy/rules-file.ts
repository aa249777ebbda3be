import { KINDS, MAX_ENDPOINTS, MAX_TOOLS, parseEndpoint, parsePattern, parseToolName, TRUST_LEVELS, type Rule, type RuleSpec, type TrustLevel } from './rules';

export const RULES_FILE_SCHEMA = 'countersign-rules';
export const RULES_FILE_VERSION = 1;
const MAX_RULES = 10_000;
const MAX_NOTE = 1000;

export interface RulesFile {
  schema: typeof RULES_FILE_SCHEMA;
  version: typeof RULES_FILE_VERSION;
  exportedAt: string;
  rules: RuleSpec[];
}

/** The person's own rules as a file; managed rules and time-boxed grants stay out. */
export function exportRules(rules: readonly Rule[], now: Date): RulesFile {
  return {
    schema: RULES_FILE_SCHEMA,
    version: RULES_FILE_VERSION,
    exportedAt: now.toISOString(),
    rules: rules
      .filter((rule) => rule.createdBy !== 'managed' && rule.expiresAt === undefined)
      .map(({ pattern, trust, kinds, threshold, endpoints, tools, note }) => ({
        pattern,
        trust,
        ...(kinds ? { kinds } : {}),
        ...(threshold ? { threshold } : {}),
        ...(endpoints?.length ? { endpoints } : {}),
        ...(tools?.length ? { tools } : {}),
        ...(note ? { note } : {}),
      })),
  };
}

export type ParsedRules = { rules: RuleSpec[] } | { errors: string[] };

/** Reads a rules file whole: either every rule is valid, or the list of what is wrong. */
export function parseRulesFile(text: string): ParsedRules {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { errors: [`not JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  if (!isObject(data)) return { errors: ['the file must hold a JSON object'] };
  const errors: string[] = [];
  if (data.schema !== RULES_FILE_SCHEMA) errors.push(`schema: expected "${RULES_FILE_SCHEMA}"`);
  if (data.version !== RULES_FILE_VERSION) errors.push(`version: expected ${RULES_FILE_VERSION}`);
  if (!Array.isArray(data.rules)) return { errors: [...errors, 'rules: expected a list'] };
  if (data.rules.length > MAX_RULES) return { errors: [...errors, `rules: at most ${MAX_RULES}`] };
  const rules: RuleSpec[] = [];
  data.rules.forEach((value, index) => {
    const parsed = parseRuleSpec(value, `rules[${index}]`);
    if ('errors' in parsed) errors.push(...parsed.errors);
    else rules.push(parsed.rule);
  });
  return errors.length ? { errors } : { rules };
}

/** Validates one rule as typed in the Sites view or read from a file. */
export function parseRuleSpec(value: unknown, at = 'rule'): { rule: RuleSpec } | { errors: string[] } {
  if (!isObject(value)) return { errors: [`${at}: expected an object`] };
  const errors: string[] = [];
  const known = new Set(['pattern', 'trust', 'kinds', 'threshold', 'endpoints', 'tools', 'note']);
  for (const key of Object.keys(value)) if (!known.has(key)) errors.push(`${at}.${key}: unknown field`);

  const pattern = typeof value.pattern === 'string' ? parsePattern(value.pattern) : { error: 'expected text' };
  if ('error' in pattern) errors.push(`${at}.pattern: ${pattern.error}`);
  const trust = level(value.trust);
  if (!trust) errors.push(`${at}.trust: expected one of ${TRUST_LEVELS.join(', ')}`);

  let kinds: RuleSpec['kinds'];
  if (value.kinds !== undefined) {
    if (!isObject(value.kinds)) errors.push(`${at}.kinds: expected an object`);
    else {
      kinds = {};
      for (const [kind, kindLevel] of Object.entries(value.kinds)) {
        const parsedLevel = level(kindLevel);
        if (!KINDS.includes(kind as never)) errors.push(`${at}.kinds.${kind}: unknown kind`);
        else if (!parsedLevel) errors.push(`${at}.kinds.${kind}: expected one of ${TRUST_LEVELS.join(', ')}`);
        else kinds[kind as keyof typeof kinds] = parsedLevel;
      }
    }
  }

  let threshold: RuleSpec['threshold'];
  if (value.threshold !== undefined) {
    const t = value.threshold;
    if (
      !isObject(t) ||
      typeof t.amount !== 'number' ||
      !Number.isFinite(t.amount) ||
      t.amount < 0 ||
      typeof t.currency !== 'string' ||
      !/^[A-Z]{3}$/.test(t.currency)
    ) {
      errors.push(`${at}.threshold: expected { amount: a number ≥ 0, currency: a code like USD }`);
    } else threshold = { amount: t.amount, currency: t.currency };
  }

  const endpoints = parseList(value.endpoints, `${at}.endpoints`, MAX_ENDPOINTS, 'endpoints', errors, (entry) => {
    const parsed = parseEndpoint(entry);
    return 'error' in parsed ? parsed : { item: parsed.endpoint };
  });
  const tools = parseList(value.tools, `${at}.tools`, MAX_TOOLS, 'tool names', errors, (entry) => {
    const parsed = parseToolName(entry);
    return 'error' in parsed ? parsed : { item: parsed.tool };
  });

  if (value.note !== undefined && (typeof value.note !== 'string' || value.note.length > MAX_NOTE)) {
    errors.push(`${at}.note: expected text of at most ${MAX_NOTE} characters`);
  }
  if (errors.length || !trust || 'error' in pattern) return { errors };
  const rule: RuleSpec = { pattern: pattern.pattern, trust };
  if (kinds && Object.keys(kinds).length) rule.kinds = kinds;
  if (threshold) rule.threshold = threshold;
  if (endpoints?.length) rule.endpoints = [...new Set(endpoints)];
  if (tools?.length) rule.tools = [...new Set(tools)];
  if (typeof value.note === 'string' && value.note) rule.note = value.note;
  return { rule };
}

/** A list of texts, each read by `parseOne`; what is wrong is added to `errors`, naming each entry. */
function parseList(
  value: unknown,
  at: string,
  max: number,
  noun: string,
  errors: string[],
  parseOne: (entry: string) => { item: string } | { error: string },
): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > max) {
    errors.push(`${at}: expected a list of at most ${max} ${noun}`);
    return undefined;
  }
  const items: string[] = [];
  value.forEach((entry: unknown, index) => {
    const parsed = typeof entry === 'string' ? parseOne(entry) : { error: 'expected text' };
    if ('error' in parsed) errors.push(`${at}[${index}]: ${parsed.error}`);
    else items.push(parsed.item);
  });
  return items;
}

function level(value: unknown): TrustLevel | undefined {
  return TRUST_LEVELS.includes(value as TrustLevel) ? (value as TrustLevel) : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
