import type { RequestDecision } from '@/lib/messaging/frames';
import type { Offer } from './hook-channel';
import { TOOL_EVENT } from './hook-events';

/**
 * The names of the frames a tool's code runs under, read back from a request's call stack:
 * V8 keeps an awaited caller in the stack (`at async …`) after every `await` or `.then`, so
 * a request the tool sends later still shows which run it belongs to, and the page's own
 * timers show neither.
 */
export const TOOL_RUN_FRAMES = { approved: 'countersignApprovedToolRun', unreviewed: 'countersignUnreviewedToolRun' } as const;
export type ToolRun = keyof typeof TOOL_RUN_FRAMES;

/** Which tool run, if any, a request's call stack comes from. */
export function toolRunIn(stack: string): ToolRun | null {
  if (stack.includes(TOOL_RUN_FRAMES.unreviewed)) return 'unreviewed';
  return stack.includes(TOOL_RUN_FRAMES.approved) ? 'approved' : null;
}

// Computed names survive minifying; `await` puts the frame into every later step's stack.
const runners = {
  async [TOOL_RUN_FRAMES.approved](run: () => unknown): Promise<unknown> {
    return await run();
  },
  async [TOOL_RUN_FRAMES.unreviewed](run: () => unknown): Promise<unknown> {
    return await run();
  },
};

interface ToolDescriptor {
  name?: unknown;
  title?: unknown;
  description?: unknown;
  inputSchema?: unknown;
  annotations?: { readOnlyHint?: unknown; consequentialHint?: unknown } | null;
  execute?: unknown;
}

const DESCRIPTOR_KEYS = ['name', 'title', 'description', 'inputSchema', 'annotations'] as const;

/**
 * Wraps `ModelContext.prototype.registerTool` (WebMCP) before page scripts run, so the browser
 * keeps a copy of each tool whose `execute` asks the isolated world first. Only a caller going
 * through the tool registry (an agent, over the DevTools protocol, `executeTool` or the
 * browser's own agent) reaches the wrapper; the page's code keeps its own function. Approved,
 * it runs once with the approved arguments; refused, the call fails with the reviewer's words,
 * which is what the agent reads as the tool's result. With no isolated world listening (the
 * guard is off), the tool runs as the page wrote it.
 */
export function wrapToolRegistry(win: Window & typeof globalThis, offer: Offer): void {
  const registry = (win as unknown as { ModelContext?: { prototype: { registerTool?: unknown } } }).ModelContext?.prototype;
  const nativeRegister = registry?.registerTool;
  if (!registry || typeof nativeRegister !== 'function') return;
  const apply = Reflect.apply;
  const assign = Object.assign;
  const stringify = win.JSON.stringify;
  const parse = win.JSON.parse;
  const NativeError = win.Error;
  const NativePromise = win.Promise;

  function guarded(tool: ToolDescriptor): ToolDescriptor {
    const pageExecute = tool.execute;
    if (typeof pageExecute !== 'function') return tool;
    const copy: ToolDescriptor = assign({}, tool);
    for (const key of DESCRIPTOR_KEYS) if (key in tool) (copy as Record<string, unknown>)[key] = tool[key];
    const annotations: NonNullable<ToolDescriptor['annotations']> =
      copy.annotations && typeof copy.annotations === 'object' ? copy.annotations : {};
    const about = {
      name: String(copy.name),
      description: String(copy.description ?? ''),
      inputSchema: copy.inputSchema,
      readOnly: annotations.readOnlyHint === true,
      consequential: annotations.consequentialHint === true,
    };
    copy.execute = function execute(this: unknown, input: unknown, client: unknown) {
      const run = (how: ToolRun | null, args: unknown) => {
        const call = () => apply(pageExecute, this, [args, client]);
        return how ? runners[TOOL_RUN_FRAMES[how]](call) : call();
      };
      return new NativePromise((resolve, reject) => {
        let args: unknown;
        try {
          args = parse(stringify(input ?? {})) as unknown; // the arguments as they were when asked
        } catch {
          args = null; // unreadable: held all the same, the card says so
        }
        const decided = (decision: RequestDecision) => {
          if (decision.verdict !== 'approve') return reject(new NativeError(decision.message || 'Rejected by reviewer'));
          resolve(run(decision.reviewed ? 'approved' : 'unreviewed', decision.input === undefined ? input : decision.input));
        };
        if (!offer(TOOL_EVENT, { ...about, input: args }, decided)) resolve(run(null, input));
      });
    };
    return copy;
  }

  registry.registerTool = function registerTool(this: unknown, tool: unknown, ...rest: unknown[]) {
    const wrapped = tool && typeof tool === 'object' ? guarded(tool as ToolDescriptor) : tool;
    return apply(nativeRegister, this, [wrapped, ...rest]);
  };
}
