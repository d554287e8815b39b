#!/usr/bin/env node
'use strict';
// CommonJS on purpose: scripts run `lucky` many times per hook, and a CommonJS
// entry loading one bundled file starts faster than an ES module graph. The fast
// path (src/fast) runs the commands scripts call most without loading the whole
// CLI; it declines anything else, which the full CLI then runs.
function load(bundle) {
  try {
    return require(bundle);
  } catch (error) {
    if (error.code !== 'MODULE_NOT_FOUND') throw error;
    process.stderr.write('Error: Lucky is not built; run "pnpm build" in the Lucky workspace.\n');
    process.exit(1);
  }
}
load('../dist/bundle/lucky-fast.cjs')
  .run()
  .then((done) => {
    if (!done) load('../dist/bundle/lucky.cjs').main();
  });
