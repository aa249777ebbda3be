import { describe, expect, it } from 'vitest';
import { stackHasEvaluatedCode } from '@/lib/detect/evaluated';

// Stacks as Chromium 156 wrote them at a page's fetch, read through each client.
const OWN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/content-scripts/page-hooks.js';
const hook = `    at window.fetch (${OWN}:1:2345)`;
const stack = (...frames: string[]) => ['Error', hook, ...frames].join('\n');

describe('a request is told to come from evaluated code by its call stack', () => {
  it.each([
    ['Playwright page.evaluate', ['    at eval (eval at evaluate (:370:30), <anonymous>:1:7)', '    at UtilityScript.evaluate (<anonymous>:372:16)']],
    ['Playwright, after an await in the evaluated function', ['    at eval (eval at evaluate (:370:30), <anonymous>:1:64)', '    at async <anonymous>:381:23']],
    ['a timer the evaluated script set', ['    at eval (eval at evaluate (:370:30), <anonymous>:1:43)']],
    ['DevTools Runtime.evaluate with no sourceURL (WebDriver, BiDi, MCP evaluate tools)', ['    at <anonymous>:1:1']],
    ['Puppeteer page.evaluate', ['    at pptr:evaluate;file%3A%2F%2F%2Fagent.mjs%3A20%3A33:1:8']],
    ['evaluated code calling the page’s own function', ['    at save (https://shop.example/app.js:10:5)', '    at eval (eval at evaluate (:370:30), <anonymous>:1:14)']],
    ['evaluated code that evals', ['    at eval (eval at <anonymous> (<anonymous>:1:1), <anonymous>:1:8)']],
  ])('%s: evaluated', (_, frames) => {
    expect(stackHasEvaluatedCode(stack(...frames))).toBe(true);
  });

  it.each([
    ['a page script', ['    at autosave (https://wiki.example/static/editor.js:88:12)']],
    ['an inline script', ['    at window.inline (http://127.0.0.1:8799/:1:76)']],
    ['what the page evals', ['    at eval (eval at <anonymous> (http://127.0.0.1:8799/:1:57), <anonymous>:1:8)']],
    ['a page function run by new Function', ['    at eval (eval at <anonymous> (https://app.example/main.js:1:104), <anonymous>:3:8)']],
    ['built-ins between page frames', ['    at Array.forEach (<anonymous>)', '    at new Promise (<anonymous>)', '    at tick (https://app.example/main.js:5:1)']],
  ])('%s: the page’s own', (_, frames) => {
    expect(stackHasEvaluatedCode(stack(...frames))).toBe(false);
  });

  it('the hook’s own frames (an extension file) are not evaluated code', () => {
    expect(stackHasEvaluatedCode(stack())).toBe(false);
  });

  it('a stack with no frames cannot be read, and counts as evaluated', () => {
    expect(stackHasEvaluatedCode('Error')).toBe(true);
    expect(stackHasEvaluatedCode('')).toBe(true);
  });
});
