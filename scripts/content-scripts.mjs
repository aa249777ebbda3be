import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const EXTENSION_DIR = '.output/chrome-mv3';

// The two content scripts' gzip size may not exceed this (npm run build checks, the bench reports).
// 12,000 until the request hook learnt to tell a client's evaluated script by its call stack (+280 B);
// 12,100 until WebMCP tool calls were held in the page, with their arguments on the card (+1,720 B);
// 13,900 until requests were judged by what they carry (method overrides, SQL, GraphQL mutations)
// and confirmation dialogs lent their words, and one input's requests joined one card (+1,800 B);
// 15,800 until a purchase card read the line items and delivery address around its control, and
// read-only tool calls were answered in the page, and the interceptor began to split into modules (+1,100 B);
// then 16,900, kept since: the named modules and the frames' message checks (+1,370 B) are paid for
// by the describing half (describe, binding, order, amounts, tool-call fields: 8 KB gzip), which left
// every frame for describer.js, injected only into a frame that holds something (13,684 measured).
export const CONTENT_SCRIPT_BUDGET_GZ = 16_900;
/** The describer is not in every frame: it has a budget of its own. */
export const DESCRIBER_BUDGET_GZ = 8_500;

/** The injected describer, built beside the content scripts. */
export const describerFile = (dir = EXTENSION_DIR) => join(dir, 'describer.js');

/** The built content scripts; throws when the extension has not been built. */
export function contentScriptFiles(dir = EXTENSION_DIR) {
  const files = [join(dir, 'interceptor.js'), join(dir, 'content-scripts', 'page-hooks.js')];
  for (const file of files) if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  return files;
}
