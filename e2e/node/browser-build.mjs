// browser-build.mjs bundles browser-entry.mjs, with the published browser
// client it imports, into one script a page can load.
//
// Usage: node browser-build.mjs OUTFILE

import { build } from 'esbuild';

const outfile = process.argv[2];
if (!outfile) {
  console.error('usage: node browser-build.mjs OUTFILE');
  process.exit(2);
}

await build({
  entryPoints: [new URL('./browser-entry.mjs', import.meta.url).pathname],
  outfile,
  bundle: true,
  platform: 'browser',
  format: 'iife',
  // The client is meant for browsers of its day; keep its code as it is.
  target: 'es2020',
  logLevel: 'warning',
});
