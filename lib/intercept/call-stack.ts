/** Frames read to find evaluated code under the hook: deep enough for frameworks' call chains. */
const STACK_DEPTH = 100;

/**
 * Reads the call stack at the hook, or '' when it cannot be read: the page may pin
 * `Error.stackTraceLimit` or `prepareStackTrace` to hide evaluated code, and no stack counts as
 * evaluated (held where the tab is guarded). Taken before page scripts run.
 */
export function stackReader(win: Window & typeof globalThis): () => string {
  const reflectSet = Reflect.set;
  const NativeError = win.Error;
  /** V8's knobs on the Error constructor, which the page can set too. */
  const knobs = win.Error as unknown as { stackTraceLimit: number; prepareStackTrace?: unknown };
  /** False, not a throw, where the page made the knob read-only. */
  const setKnob = (name: keyof typeof knobs, value: unknown) => reflectSet(knobs, name, value);
  return () => {
    try {
      const { stackTraceLimit, prepareStackTrace } = knobs;
      const readable = setKnob('stackTraceLimit', STACK_DEPTH) && setKnob('prepareStackTrace', undefined) && knobs.prepareStackTrace === undefined;
      const stack = readable ? String(new NativeError().stack) : '';
      setKnob('stackTraceLimit', stackTraceLimit);
      setKnob('prepareStackTrace', prepareStackTrace);
      return stack;
    } catch {
      return '';
    }
  };
}
