// Types for scripts/mcp.mjs, for the tests that import it.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

/** One request on the agent's channel and Countersign's reply (`{ error }` when it refused or did not answer). */
export interface AgentChannel {
  request(message: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): void;
}

export function readChannelFile(profile: string): { url: string; secret: string };
export function openAgentChannel(config: { url: string; secret: string }): Promise<AgentChannel>;
/** What the person made of a question, in words for the agent. */
export function answerText(state: { status: string; answer?: string; note?: string; reason?: string }): string;
export function countersignServer(channel: AgentChannel, version: string): McpServer;
export function runMcp(options: { profile: string; version: string }): Promise<void>;
