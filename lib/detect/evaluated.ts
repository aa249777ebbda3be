/**
 * Whether a call stack (V8's `Error().stack` text) passes through code that no script file or
 * page loaded: a script a DevTools-protocol client evaluated (`Runtime.evaluate`/
 * `callFunctionOn`: Playwright, Puppeteer, WebDriver `executeScript`, BiDi
 * `script.callFunction`, MCP evaluate tools, an extension's `scripting.executeScript({ func })`).
 * Page scripts, inline ones, what they `eval`, and the hook itself name their URL; evaluated
 * code names none (`<anonymous>:1:7`, `pptr:evaluate;…:1:8`). Built-ins (`(<anonymous>)`, no
 * position) say nothing. A stack with no frame at all cannot be read: that counts as evaluated.
 */
export function stackHasEvaluatedCode(stack: string): boolean {
  const frames = stack.split('\n    at ').slice(1);
  return !frames.length || frames.some((frame) => /:\d+:\d+\)?$/.test(frame) && !frame.includes('://'));
}
