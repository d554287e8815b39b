#!/usr/bin/env node
'use strict';
// CommonJS on purpose: scripts run `lucky` many times per hook, and a CommonJS
// entry loading one bundled file starts faster than an ES module graph.
let cli;
try {
  cli = require('../dist/bundle/lucky.cjs');
} catch (error) {
  if (error.code !== 'MODULE_NOT_FOUND') throw error;
  process.stderr.write('Error: Lucky is not built; run "pnpm build" in the Lucky workspace.\n');
  process.exit(1);
}
cli.main();
