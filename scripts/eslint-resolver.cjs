// Resolves imports for eslint-plugin-boundaries the way Vite does here: `@/` is the project
// root, and `.ts`/`.tsx` may be left off. Packages resolve through Node. (The TypeScript
// resolver needs a native binding per platform that npm leaves out of the lock file.)
const { existsSync, statSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const EXTENSIONS = ['', '.ts', '.tsx', '/index.ts', '/index.tsx'];

exports.interfaceVersion = 2;

exports.resolve = (source, file) => {
  const local = source.startsWith('@/') ? join(ROOT, source.slice(2)) : source.startsWith('.') ? resolve(dirname(file), source) : null;
  if (local) {
    const found = EXTENSIONS.map((ending) => local + ending).find((path) => existsSync(path) && statSync(path).isFile());
    return found ? { found: true, path: found } : { found: false };
  }
  try {
    return { found: true, path: createRequire(file).resolve(source) };
  } catch {
    return { found: true, path: null }; // a package Node cannot resolve from here (types only, ESM only): external either way
  }
};
