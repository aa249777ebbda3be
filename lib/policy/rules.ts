import { routeParams } from '@/lib/actions/requests';
import type { ActionKind } from '@/lib/actions/types';

export const TRUST_LEVELS = ['block', 'ask', 'ask-risky', 'trust'] as const;
export type TrustLevel = (typeof TRUST_LEVELS)[number];
/** The kinds a rule can set a level for; an unclassified action is never trusted by a rule. */
export const KINDS = ['purchase', 'send', 'delete', 'submit'] as const satisfies readonly ActionKind[];
export type RuleKind = (typeof KINDS)[number];

export type RuleSource = 'person' | 'suggestion' | 'import' | 'managed';

export interface Threshold {
  amount: number;
  currency: string;
}

/** What a person (or an administrator) decided about a site. */
export interface RuleSpec {
  /** An exact origin (`https://shop.example`) or a domain and its subdomains (`*.example.com`). */
  pattern: string;
  trust: TrustLevel;
  kinds?: Partial<Record<RuleKind, TrustLevel>>;
  threshold?: Threshold;
  /** Requests this site may always send, whatever the control said: `POST /api/track`. */
  endpoints?: string[];
  /** The site's WebMCP tools an agent may always call: `get_price`. */
  tools?: string[];
  note?: string;
}

export interface Rule extends RuleSpec {
  id: string;
  createdBy: RuleSource;
  createdAt: number;
  updatedAt: number;
  applied: number;
  lastApplied?: number;
  /** Time-boxed grants: only this tab, only until then. */
  tabId?: number;
  expiresAt?: number;
}

const ORIGIN = /^(https?):\/\/([a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:]+\])(:\d{1,5})?$/;
const DOMAIN = /^\*\.([a-z0-9-]+(\.[a-z0-9-]+)+)$/;

/** Normalises a pattern, or explains what is wrong with it. */
export function parsePattern(input: string): { pattern: string } | { error: string } {
  const pattern = input.trim().toLowerCase().replace(/\/$/, '');
  if (ORIGIN.test(pattern) || DOMAIN.test(pattern)) return { pattern };
  return { error: 'must be an origin like https://shop.example or a domain like *.example.com' };
}

/**
 * How closely a pattern names a site, or -1 when it does not match: an exact origin beats
 * any domain, and a longer domain beats a shorter one.
 */
export function specificity(pattern: string, origin: string): number {
  if (pattern === origin) return 1000;
  const domain = DOMAIN.exec(pattern)?.[1];
  if (!domain) return -1;
  let host: string;
  try {
    host = new URL(origin).hostname;
  } catch {
    return -1;
  }
  return host === domain || host.endsWith(`.${domain}`) ? domain.split('.').length : -1;
}

/**
 * `METHOD /path`, a trailing `*` matching any path that starts so, and optionally the query
 * parameters that must match too (`POST /index.php?route=/lint`): apps that route by query.
 */
const ENDPOINT = /^(POST|PUT|PATCH|DELETE) (\/[^\s?#*]*\*?)(\?[^\s#*]+)?$/;
export const MAX_ENDPOINTS = 100;
const MAX_ENDPOINT_LENGTH = 500;

export function parseEndpoint(input: string): { endpoint: string } | { error: string } {
  const endpoint = input.trim().replace(/\s+/, ' ').replace(/^\w+/, (method) => method.toUpperCase());
  if (endpoint.length <= MAX_ENDPOINT_LENGTH && ENDPOINT.test(endpoint)) return { endpoint };
  return {
    error: 'must be a method and a path like POST /api/track (a trailing * matches the rest of the path; ?route=/x also requires that query parameter)',
  };
}

/** A state-changing destination as rules see it: the endpoint a rule would name, and what to match. */
export interface Endpoint {
  origin: string;
  /** `METHOD /path`, with the routes the query carries (`?route=/lint`): what a rule made from it names. */
  endpoint: string;
  method: string;
  path: string;
  params: URLSearchParams;
}

/** The endpoint a destination names; undefined for reads and unreadable URLs. */
export function endpointOf(destination: { method: string; action: string; asMethod?: string }): Endpoint | undefined {
  const method = (destination.asMethod ?? destination.method).toUpperCase();
  if (!/^(POST|PUT|PATCH|DELETE)$/.test(method)) return undefined;
  try {
    const url = new URL(destination.action);
    const routes = new URLSearchParams(routeParams(url));
    const query = routes.size ? `?${routes.toString().replace(/%2F/gi, '/')}` : '';
    return { origin: url.origin, endpoint: `${method} ${url.pathname}${query}`, method, path: url.pathname, params: url.searchParams };
  } catch {
    return undefined;
  }
}

/** Whether the rule lets this endpoint through: the destination must be on a site it names. */
export function allowsEndpoint(rule: RuleSpec, destination: Endpoint): boolean {
  if (!rule.endpoints?.length || specificity(rule.pattern, destination.origin) < 0) return false;
  return rule.endpoints.some((allowed) => endpointMatches(allowed, destination));
}

function endpointMatches(allowed: string, destination: Endpoint): boolean {
  const match = ENDPOINT.exec(allowed);
  if (!match || match[1] !== destination.method) return false;
  const path = match[2]!;
  if (path.endsWith('*') ? !destination.path.startsWith(path.slice(0, -1)) : destination.path !== path) return false;
  return [...new URLSearchParams(match[3] ?? '')].every(([name, value]) => destination.params.get(name) === value);
}

const TOOL_NAME = /^[\w.-]{1,128}$/;
export const MAX_TOOLS = 100;

export function parseToolName(input: string): { tool: string } | { error: string } {
  const tool = input.trim();
  return TOOL_NAME.test(tool) ? { tool } : { error: 'must be a tool name of letters, digits, _ . or - (at most 128)' };
}

/** Whether the rule lets an agent call this tool of the site unasked. */
export function allowsTool(rule: RuleSpec, tool: string): boolean {
  return Boolean(rule.tools?.includes(tool));
}

/** Whether a rule lets anything through without asking: what takes the reviewer's passkey to set. */
export function grantsTrust(spec: RuleSpec): boolean {
  const loose = (level: TrustLevel | undefined) => level === 'trust' || level === 'ask-risky';
  return loose(spec.trust) || Object.values(spec.kinds ?? {}).some(loose) || Boolean(spec.endpoints?.length) || Boolean(spec.tools?.length);
}

export function levelFor(rule: RuleSpec, kind: ActionKind): TrustLevel {
  if (kind === 'unclassified') return rule.trust === 'block' ? 'block' : 'ask';
  if (kind === 'question') return 'ask'; // only the person answers the agent
  return rule.kinds?.[kind] ?? rule.trust;
}

export function isLive(rule: Rule, now: number, tabId: number): boolean {
  if (rule.expiresAt !== undefined && rule.expiresAt <= now) return false;
  return rule.tabId === undefined || rule.tabId === tabId;
}
