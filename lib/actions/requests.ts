// Read-only endpoints that sites call with POST: search, autocomplete, lookups.
const READ_ONLY_PATH = /(^|\/)(search|queries|query|suggest|suggestions|autocomplete|typeahead|lookup)(\/|$)/i;

export interface RequestShape {
  method: string;
  url: string;
  /** Sent with sendBeacon or fetch's keepalive: fire-and-forget, as analytics are. */
  keepalive: boolean;
  /** The body's top-level fields, where it has any. */
  fields: readonly (readonly [string, string])[];
}

/**
 * Requests that commit nothing, which pass with no card: analytics beacons to another origin,
 * GraphQL queries (not mutations), POSTs to search and lookup endpoints. Shared by the page's
 * second line and the background's log of unreviewed requests, so both agree.
 */
export function isReadOnlyRequest(request: RequestShape, pageUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(request.url, pageUrl);
  } catch {
    return false;
  }
  if (request.keepalive && url.origin !== new URL(pageUrl).origin) return true;
  if (READ_ONLY_PATH.test(url.pathname)) return true;
  const query = request.fields.find(([name]) => name === 'query')?.[1];
  const operation = graphqlOperation(query);
  return operation !== null && operation !== 'mutation' && operation !== 'subscription';
}

/** `query`, `mutation` or `subscription` for a GraphQL document; null when it is not one. */
export function graphqlOperation(document: string | undefined): string | null {
  if (!document) return null;
  const text = document.replace(/#[^\n]*/g, '').trim();
  if (text.startsWith('{')) return 'query';
  return /^(query|mutation|subscription)\b/.exec(text)?.[1] ?? null;
}
