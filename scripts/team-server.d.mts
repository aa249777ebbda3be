// Types for scripts/team-server.mjs, for the tests that import it.
export const TEAM_CONFIG: string;
export interface OperatorTrust {
  jwt: string;
  systemAccount: string;
  /** Account JWTs by the account's public key. */
  accounts: Record<string, string>;
}
export function teamConfig(options?: { port?: number; wsPort?: number; nkeys?: string[]; operator?: OperatorTrust }): string;
export function findNatsServer(): string;
export interface TeamServer {
  wsUrl: string;
  natsUrl: string;
  /** Stops the server, keeping its JetStream data for a restart. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data. */
  close(): Promise<void>;
}
export function startTeamServer(options?: { nkeys?: string[]; operator?: OperatorTrust }): Promise<TeamServer>;
export interface TeamCluster {
  nodes: TeamServer[];
  wsUrls: string[];
  close(): Promise<unknown>;
}
/** `size` nodes on loopback, routed to each other, JetStream ready. */
export function startTeamCluster(size?: number): Promise<TeamCluster>;
