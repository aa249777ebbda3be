// Prints the gzip size of the two content scripts, which run in every frame of every page,
// and fails the build when they outgrow their budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { contentScriptFiles } from './content-scripts.mjs';

// 12,000 until the request hook learnt to tell a client's evaluated script by its call stack (+280 B);
// 12,100 until WebMCP tool calls were held in the page, with their arguments on the card (+1,720 B);
// 13,900 until requests were judged by what they carry (method overrides, SQL, GraphQL mutations)
// and confirmation dialogs lent their words, and one input's requests joined one card (+1,800 B);
// 15,800 until a purchase card read the line items and delivery address around its control, and read-only tool calls were answered in the page (+1,000 B).
export const CONTENT_SCRIPT_BUDGET_GZ = 16_800;

let total = 0;
for (const file of contentScriptFiles()) {
  const bytes = readFileSync(file);
  const gz = gzipSync(bytes, { level: 9 }).length;
  total += gz;
  console.log(`content script ${file}: ${bytes.length} B, ${gz} B gzip`);
}
console.log(`content scripts total: ${total} B gzip (budget ${CONTENT_SCRIPT_BUDGET_GZ} B)`);
if (total > CONTENT_SCRIPT_BUDGET_GZ) {
  console.error(`content scripts exceed their budget by ${total - CONTENT_SCRIPT_BUDGET_GZ} B gzip`);
  process.exit(1);
}
