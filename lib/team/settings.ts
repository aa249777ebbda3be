import * as v from 'valibot';
import { LIMITS, text } from '@/lib/messaging/schemas';
import { BROWSER_NAME } from './entry';

/** Agent browser: its held actions go to the team queue. Reviewer: its panel shows the queue. */
export const TEAM_ROLES = ['agent', 'reviewer', 'both'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export interface TrustedReviewer {
  /** Shown beside decisions; the key, not the name, is what is checked. */
  name: string;
  /** Ed25519 public key, raw, base64url. */
  key: string;
}

/** How this browser takes part in team review. Off by default: nothing leaves the machine. */
export interface TeamSettings {
  enabled: boolean;
  /**
   * `wss://…`, or `ws://…` (acceptable on loopback or a private network only); a cluster's
   * nodes separated by commas, which the link fails over between.
   */
  url: string;
  browserName: string;
  role: TeamRole;
  /** User and password, an nkey seed, or a creds file (JWT and seed): whichever is set. */
  user: string;
  password: string;
  nkeySeed: string;
  creds: string;
  /** Agent browsers accept decisions only from these keys. */
  trustedReviewers: TrustedReviewer[];
  /** The name this browser signs decisions under, as a reviewer. */
  reviewerName: string;
}

export const DEFAULT_TEAM: TeamSettings = {
  enabled: false,
  url: 'ws://127.0.0.1:4280',
  browserName: '',
  role: 'agent',
  user: '',
  password: '',
  nkeySeed: '',
  creds: '',
  trustedReviewers: [],
  reviewerName: '',
};

const ED25519_KEY = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/, 'a reviewer key is 43 characters of base64url (an Ed25519 public key)'));

export const trustedReviewer = v.object({ name: text(200), key: ED25519_KEY });

/** The addresses in a server setting: one, or a cluster's nodes separated by commas or spaces. */
export const serverList = (url: string) => url.split(/[\s,]+/).filter(Boolean);

const serverUrl = v.pipe(
  v.string(),
  v.maxLength(LIMITS.url),
  v.check(
    (url) => serverList(url).length > 0 && serverList(url).every((one) => URL.canParse(one) && /^wss?:$/.test(new URL(one).protocol)),
    'each server address starts with wss:// or ws://',
  ),
);

/** Every field optional: the panel changes some, the administrator's policy sets some. */
export const teamChange = v.strictObject({
  enabled: v.exactOptional(v.boolean()),
  url: v.exactOptional(serverUrl),
  browserName: v.exactOptional(v.union([v.literal(''), v.pipe(v.string(), v.regex(BROWSER_NAME, 'a browser name has letters, digits, _ and - only'))])),
  role: v.exactOptional(v.picklist(TEAM_ROLES)),
  user: v.exactOptional(text(200)),
  password: v.exactOptional(text(1000)),
  nkeySeed: v.exactOptional(text(200)),
  creds: v.exactOptional(text(10_000)),
  trustedReviewers: v.exactOptional(v.pipe(v.array(trustedReviewer), v.maxLength(100))),
  reviewerName: v.exactOptional(text(200)),
});
export type TeamChange = v.InferOutput<typeof teamChange>;

/** The administrator's team policy (`storage.managed.team`), or the problems with it. */
export function readManagedTeam(value: unknown): { team?: TeamChange; problems: string[] } {
  if (value === undefined || value === null) return { problems: [] };
  const parsed = v.safeParse(teamChange, value);
  if (!parsed.success) return { problems: parsed.issues.map((issue) => `team: ${v.getDotPath(issue) ?? ''} ${issue.message}`.trim()) };
  return { team: parsed.output, problems: [] };
}

/** Why these settings cannot connect, or null when they can. */
export function teamProblem(team: TeamSettings): string | null {
  if (!team.enabled) return null;
  if (!BROWSER_NAME.test(team.browserName)) return 'Give this browser a name (letters, digits, _ and -) before turning team review on.';
  if (!v.is(serverUrl, team.url)) return 'Each server address starts with wss:// or ws:// (several are separated by commas).';
  if (team.role !== 'reviewer' && team.trustedReviewers.length === 0) {
    return 'An agent browser needs at least one trusted reviewer key; without one no team decision could be accepted.';
  }
  return null;
}

/** What the panel may see: secrets only as "set". */
export interface TeamView extends Omit<TeamSettings, 'password' | 'nkeySeed' | 'creds'> {
  hasPassword: boolean;
  hasNkeySeed: boolean;
  hasCreds: boolean;
  /** Fields the administrator set, which the panel cannot change. */
  managed: (keyof TeamSettings)[];
}

export function teamView(team: TeamSettings, managed: (keyof TeamSettings)[]): TeamView {
  const { password, nkeySeed, creds, ...shown } = team;
  return { ...shown, hasPassword: password !== '', hasNkeySeed: nkeySeed !== '', hasCreds: creds !== '', managed };
}

export const actsAsAgent = (team: TeamSettings) => team.enabled && team.role !== 'reviewer';
export const actsAsReviewer = (team: TeamSettings) => team.enabled && team.role !== 'agent';
