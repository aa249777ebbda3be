// Types for scripts/agent-channel.mjs, for the tests that import it.
export const CHANNEL_FILE: string;
export function startAgentChannel(profile: string): Promise<{ url: string; secret: string; file: string; close(): Promise<void> }>;
