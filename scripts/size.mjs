// Prints the gzip size of the two content scripts, which run in every frame of every page.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { contentScriptFiles } from './content-scripts.mjs';

let total = 0;
for (const file of contentScriptFiles()) {
  const bytes = readFileSync(file);
  const gz = gzipSync(bytes, { level: 9 }).length;
  total += gz;
  console.log(`content script ${file}: ${bytes.length} B, ${gz} B gzip`);
}
console.log(`content scripts total: ${total} B gzip`);
