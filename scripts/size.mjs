// Prints the gzip size of the two content scripts, which run in every frame of every page,
// and fails the build when they outgrow their budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { CONTENT_SCRIPT_BUDGET_GZ, contentScriptFiles, DESCRIBER_BUDGET_GZ, describerFile } from './content-scripts.mjs';

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
const describerGz = gzipSync(readFileSync(describerFile()), { level: 9 }).length;
console.log(`describer (injected on a frame's first hold): ${describerGz} B gzip (budget ${DESCRIBER_BUDGET_GZ} B)`);
if (describerGz > DESCRIBER_BUDGET_GZ) {
  console.error(`the describer exceeds its budget by ${describerGz - DESCRIBER_BUDGET_GZ} B gzip`);
  process.exit(1);
}
