import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { LocalModel } from '@lucky/testing';
import { LUCKY_BIN, removeDir, tempDir, writeCharm } from '@lucky/test-utils';
import { median, ms, report, timed } from './stats.js';

const DEMO = fileURLToPath(new URL('../fixtures/lucky-demo/', import.meta.url));
const DB = fileURLToPath(new URL('../fixtures/lucky-db/', import.meta.url));

/** Benchmarks of issue 3: deploying the three-unit scenario, and the simulator's cost per hook. */
export async function benchSimulator(): Promise<void> {
  const dir = await tempDir('lucky-bench-sim-');
  const path = [dirname(LUCKY_BIN), join(dirname(LUCKY_BIN), '..', '..', '..', 'node_modules', '.bin')];
  try {
    // The scenario of the tests: lucky-demo ×2 with its peer relation, lucky-db ×1, related.
    const model = await LocalModel.create(join(dir, 'scenario'), { path });
    let hooks = 0;
    const deploy = await timed(async () => {
      hooks += (await model.deploy(DEMO, { name: 'demo', units: 2 })).length;
      hooks += (await model.deploy(DB, { name: 'db' })).length;
      hooks += (await model.relate('demo:db', 'db')).length;
    });
    report('deploy the 3-unit scenario (2 apps, peer + db relation)', `${ms(deploy)} for ${hooks} hooks (${ms(deploy / hooks)} a hook)`);
    await model.destroy();

    // Per-hook cost: a hook whose only script does nothing, against running nothing at all.
    const noop = await writeCharm(join(dir, 'noop'), {
      'metadata.yaml': 'name: noop\nsummary: does nothing\n',
      'lucky.yaml': 'use-docker: false\nhooks:\n  noop:\n    - inline-host-script: "true"\n',
      dispatch: '#!/bin/sh\nexec lucky dispatch\n',
    });
    const bare = await LocalModel.create(join(dir, 'noop-model'), { path });
    await bare.deploy(noop);
    const hookTimes: number[] = [];
    const nothing: number[] = [];
    for (let i = 0; i < 15; i++) {
      hookTimes.push(await timed(() => bare.run('noop/0', 'noop')));
      nothing.push(await timed(() => execa('true', [], { stdin: 'ignore' })));
    }
    report('a no-op hook through the simulator and lucky dispatch', ms(median(hookTimes)));
    report('running nothing (spawning `true`)', ms(median(nothing)));
    report('per-hook overhead (simulator + Lucky)', ms(median(hookTimes) - median(nothing)));
    await bare.destroy();
  } finally {
    await removeDir(dir);
  }
}
