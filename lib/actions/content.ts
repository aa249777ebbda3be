import { graphqlOperation } from './requests';

/** What a request or form submission carries, as far as its kind is concerned. */
export interface SentContent {
  method: string;
  /** Body (or form) fields, `name` and `value`. */
  fields: readonly (readonly [string, string])[];
  /** `X-HTTP-Method-Override` and its variants, when the request set one. */
  override?: string;
  /** A body that is neither fields nor JSON. */
  text?: string;
}

const METHOD_FIELD = /^_?method$/i;
const WRITE_METHOD = /^(put|patch|delete)$/i;
// Statements that destroy, then statements that write; each at the start of a statement.
const DESTRUCTIVE_SQL = /(?:^|;)\s*(?:drop\s+(?:table|database|schema|view|index|column|user|procedure|function|trigger)\b|truncate\s|delete\s+from\s|alter\s+table\s+\S+\s+drop\b)/i;
const WRITING_SQL =
  /(?:^|;)\s*(?:insert\s+(?:ignore\s+)?into\s|update\s+[\w`".[\]]+\s+set\s|alter\s+(?:table|database|user)\s|create\s+(?:or\s+replace\s+)?(?:table|database|schema|view|index|user|procedure|function|trigger)\b|replace\s+into\s|grant\s|revoke\s|rename\s+table\s|merge\s+into\s)/i;
const SQL_COMMENTS = /--[^\n]*|\/\*[\s\S]*?\*\//g;
const DESTRUCTIVE_MUTATION = /^\s*mutation\b[^{]*\{\s*(?:\w+\s*:\s*)?(?:delete|remove|destroy|drop|purge|cancel)/i;
const TEXT_SCAN = 20_000;

/** The method a server acts on: a `_method` field or an override header wins over the verb sent. */
export function effectiveMethod(content: SentContent): string {
  const field = content.fields.find(([name]) => METHOD_FIELD.test(name))?.[1];
  const claimed = (content.override ?? field ?? '').trim();
  return (WRITE_METHOD.test(claimed) ? claimed : content.method).toUpperCase();
}

/**
 * What the content itself says it does, whatever the control was called: a deletion (DELETE,
 * `_method=delete`, SQL that drops or deletes, a GraphQL mutation named so), a change (PUT,
 * PATCH, SQL that writes, any other mutation), or null when nothing in it commits anything.
 */
export function contentKind(content: SentContent): 'delete' | 'submit' | null {
  const method = effectiveMethod(content);
  let kind: 'delete' | 'submit' | null = method === 'DELETE' ? 'delete' : method === 'PUT' || method === 'PATCH' ? 'submit' : null;
  const texts = content.text === undefined ? content.fields.map(([, value]) => value) : [content.text];
  for (const value of texts) {
    if (kind === 'delete') break;
    const found = textKind(value.slice(0, TEXT_SCAN));
    if (found) kind = found;
  }
  return kind;
}

function textKind(value: string): 'delete' | 'submit' | null {
  if (!/\S/.test(value)) return null;
  const graphql = graphqlOperation(value);
  if (graphql === 'mutation') return DESTRUCTIVE_MUTATION.test(value) ? 'delete' : 'submit';
  if (graphql) return null;
  const sql = value.replace(SQL_COMMENTS, ' ');
  if (DESTRUCTIVE_SQL.test(sql)) return 'delete';
  return WRITING_SQL.test(sql) ? 'submit' : null;
}
