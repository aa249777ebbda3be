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
// 16,900 until the interceptor and the hook became named modules with an injected clock and realm
// (+750 B) and the frames' messages were checked against their schemas (+620 B), less what terser
// won back over the default minifier (-440 B): 17,852 measured.
export const CONTENT_SCRIPT_BUDGET_GZ = 17_900;

/** The built content scripts; throws when the extension has not been built. */
export function contentScriptFiles(dir = EXTENSION_DIR) {
  const files = [join(dir, 'interceptor.js'), join(dir, 'content-scripts', 'page-hooks.js')];
  for (const file of files) if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  return files;
}
