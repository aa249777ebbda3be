import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect } from './fixtures';

export const PLAYWRIGHT_MCP = join('node_modules', '@playwright', 'mcp', 'cli.js');
export const CHROME_DEVTOOLS_MCP = join('node_modules', 'chrome-devtools-mcp', 'build', 'src', 'bin', 'chrome-devtools-mcp.js');

/** A minimal MCP client over stdio: JSON-RPC requests, one per line. */
export class McpClient {
  private readonly child;
  private buffer = '';
  private nextId = 1;
  private readonly waiting = new Map<number, (message: { result?: unknown; error?: unknown }) => void>();

  /** `cli` is the server's script, run with this Node; `args` its command line. */
  constructor(cli: string, args: string[]) {
    this.child = spawn(process.execPath, [cli, ...args], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.buffer += chunk;
      let newline: number;
      while ((newline = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, newline).trim();
        this.buffer = this.buffer.slice(newline + 1);
        if (!line) continue;
        const message = JSON.parse(line) as { id?: number; result?: unknown; error?: unknown };
        if (message.id !== undefined) this.waiting.get(message.id)?.(message);
      }
    });
  }

  private request(method: string, params: unknown): Promise<{ result?: unknown; error?: unknown }> {
    const id = this.nextId++;
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    return new Promise((resolve) => this.waiting.set(id, resolve));
  }

  async initialize(): Promise<void> {
    const reply = await this.request('initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'countersign-e2e', version: '1' },
    });
    expect(reply.error).toBeUndefined();
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  }

  /** Calls a tool and returns its text output. */
  async call(name: string, args: Record<string, unknown>): Promise<string> {
    const reply = await this.request('tools/call', { name, arguments: args });
    expect(reply.error, JSON.stringify(reply.error)).toBeUndefined();
    const result = reply.result as { isError?: boolean; content?: { type: string; text?: string }[] };
    const text = (result.content ?? []).map((part) => part.text ?? '').join('\n');
    expect(result.isError, text).not.toBe(true);
    return text;
  }

  async close(): Promise<void> {
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.kill();
    await exited;
  }
}
