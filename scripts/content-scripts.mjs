import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const EXTENSION_DIR = '.output/chrome-mv3';

/** The built content scripts; throws when the extension has not been built. */
export function contentScriptFiles(dir = EXTENSION_DIR) {
  const files = [join(dir, 'interceptor.js'), join(dir, 'content-scripts', 'page-hooks.js')];
  for (const file of files) if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  return files;
}
