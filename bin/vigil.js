#!/usr/bin/env node
// `vigil` as installed by npm (package.json "bin"): runs the built CLI. `npm install` builds it (the "prepare" script).
/* global process */
import('../dist/cli/main.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
    process.stderr.write('vigil is not built yet: run `npm run build` in its directory\n');
  } else {
    process.stderr.write(`vigil: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exitCode = 1;
});
