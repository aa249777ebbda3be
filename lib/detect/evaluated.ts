/**
 * Whether a call stack (V8's `Error().stack` text) passes through code that no page script
 * loaded: a script a DevTools-protocol client evaluated (`Runtime.evaluate`/`callFunctionOn`:
 * Playwright, Puppeteer, WebDriver `executeScript`, BiDi `script.callFunction`, MCP evaluate
 * tools) or another extension injected. Page scripts, inline ones and what they `eval` carry
 * the page's URL; evaluated code has none (`<anonymous>:1:7`, `pptr:evaluate;…:1:8`).
 * Frames of `ownScript` (the hook itself) are skipped; built-ins (`(<anonymous>)`) say nothing.
 * A stack with no frame at all cannot be read: that counts as evaluated, so it is held.
 */
export function stackHasEvaluatedCode(stack: string, ownScript: string): boolean {
  let frames = 0;
  for (const line of stack.split('\n')) {
    const location = frameLocation(line);
    if (location === null) continue;
    frames++;
    if (ownScript && location.includes(ownScript)) continue;
    if (isEvaluatedLocation(location, ownScript)) return true;
  }
  return frames === 0;
}

/** The location of one `    at …` line: what is inside its last parentheses, or all after `at `. */
function frameLocation(line: string): string | null {
  const at = /^\s+at (.*)$/.exec(line)?.[1];
  if (at === undefined) return null;
  if (!at.endsWith(')')) return at;
  const open = at.indexOf(' (');
  return open === -1 ? at : at.slice(open + 2, -1);
}

const POSITION = /:\d+:\d+$/;
const URL_IN_LOCATION = /\b[a-z][a-z0-9+.-]*:\/\//i;
const EXTENSION_URL = /\b(?:chrome|moz)-extension:\/\//i;

function isEvaluatedLocation(location: string, ownScript: string): boolean {
  if (!POSITION.test(location)) return false; // a built-in or native frame
  // Another extension's script running in the page's world acts for whoever installed it: an agent.
  if (EXTENSION_URL.test(location) && !(ownScript && location.includes(ownScript))) return true;
  // Page code and what it evals name the page's URL, directly or as the eval's origin.
  return !URL_IN_LOCATION.test(location);
}

/** The script URL of the frame that called this (the first frame with a URL), for `ownScript`. */
export function scriptUrlOf(stack: string): string {
  for (const line of stack.split('\n')) {
    const location = frameLocation(line);
    const url = location && /([a-z][a-z0-9+.-]*:\/\/[^\s)]*?)(?::\d+:\d+)$/i.exec(location)?.[1];
    if (url) return url;
  }
  return '';
}
