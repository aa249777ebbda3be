import { maskSecret } from './secrets';
import type { FieldSnapshot } from './types';

/** A request this soon after a control's activation is taken to be caused by it. */
export const CAUSE_WINDOW_MS = 2000;
export const FIELD_CAP = 200;
const VALUE_CAP = 2000;

/**
 * A JSON body's leaves as `a.b.0` names, the way both the card and the log show them. The
 * MAIN-world hook passes the `Object.entries` it saved before page scripts ran.
 */
export function flattenJson(
  value: unknown,
  entriesOf: (value: object) => [string, unknown][] = Object.entries,
  path = '',
  out: [string, string][] = [],
): [string, string][] {
  if (out.length >= FIELD_CAP) return out;
  if (value && typeof value === 'object') {
    for (const [key, child] of entriesOf(value)) flattenJson(child, entriesOf, path ? `${path}.${key}` : key, out);
  } else out.push([path, String(value)]);
  return out;
}

export function isStateChanging(method: string): boolean {
  return /^(post|put|patch|delete)$/i.test(method);
}

/** A request body's fields as a card or the log shows them, secrets masked by their names. */
export function requestFieldSnapshots(fields: readonly (readonly [string, string])[], type: string): FieldSnapshot[] {
  return fields.slice(0, FIELD_CAP).map(([name, raw]) => {
    const { value, masked } = maskSecret({ type: 'text', name, autocomplete: '' }, String(raw));
    const field: FieldSnapshot = { name: name.slice(0, 200), label: name.slice(0, 200), type, value: value.slice(0, VALUE_CAP) };
    if (masked) field.masked = true;
    if (value.length > VALUE_CAP) field.truncated = true;
    return field;
  });
}

// Read-only endpoints that sites call with POST: search, autocomplete, lookups, linting,
// previews and validation.
const READ_ONLY_ROUTE = /(^|\/)(search|queries|query|suggest|suggestions|autocomplete|typeahead|lookup|lint|preview|validate|validation)(\/|$)/i;
/** Query parameters apps route by (phpMyAdmin's `route`, MediaWiki's `action`), read like paths. */
export const ROUTE_PARAMS = ['route', 'action', 'r', 'do', 'op', 'task'];

/** The routing parameters a URL's query carries (`route=/lint`), in ROUTE_PARAMS order. */
export function routeParams(url: URL): [string, string][] {
  const found: [string, string][] = [];
  for (const name of ROUTE_PARAMS) {
    const route = url.searchParams.get(name);
    if (route) found.push([name, route]);
  }
  return found;
}

/** The URL's path, then the routes its query carries. */
export function routesOf(url: URL): string[] {
  return [url.pathname, ...routeParams(url).map(([, route]) => route)];
}

/** A URL's path, for labels like `POST /api/cart`; an unparsable URL as written, capped. */
export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.slice(0, 200);
  }
}

/** A URL whose path or query route names a search, lookup, lint, preview or validation. */
export function isReadOnlyRoute(url: string, base?: string): boolean {
  try {
    return routesOf(new URL(url, base)).some((route) => READ_ONLY_ROUTE.test(route));
  } catch {
    return false;
  }
}

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
  if (routesOf(url).some((route) => READ_ONLY_ROUTE.test(route))) return true;
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
