export { startTeamCluster, startTeamServer, type TeamCluster, type TeamServer } from '../scripts/team-server.mjs';

export const AGENT = { user: 'agent', pass: 'agent-local' } as const;
export const REVIEWER = { user: 'reviewer', pass: 'reviewer-local' } as const;
