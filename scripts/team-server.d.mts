// Types for scripts/team-server.mjs, for the tests that import it.
export const TEAM_CONFIG: string;
export function teamConfig(ports?: { port?: number; wsPort?: number }): string;
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
export function startTeamServer(): Promise<TeamServer>;
