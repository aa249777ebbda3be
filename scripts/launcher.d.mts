// Types for scripts/launcher.mjs, for the tests that import it.
export const DEFAULT_PORT: number;
export const DEFAULT_PROFILE: string;
export const LAUNCH_GUARD_MODES: readonly string[];
export const START_PAGE: string;

export interface LaunchedBrowser {
  endpoint: string;
  port: number;
  webSocketDebuggerUrl: string;
  browserVersion: string;
  extensionId: string;
  guardMode: string;
  profile: string;
  /** The loopback relay `countersign mcp` talks to Countersign through; `file` holds its address and secret. */
  agentChannel: { url: string; file: string };
  close(): Promise<void>;
}

export function launchBrowser(options?: {
  port?: number;
  profile?: string;
  guard?: string;
  headless?: boolean;
  extensionDir?: string;
  urls?: string[];
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  attachTimeoutMs?: number;
}): Promise<LaunchedBrowser>;

export function clientSnippets(endpoint: string, profile?: string): { client: string; snippet: string }[];
