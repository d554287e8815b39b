import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { writeLuckyShim } from '@lucky/core';
import { LocalModel } from '@lucky/testing';
import { LUCKY_BIN, removeDir, tempDir, writeCharm } from '@lucky/test-utils';
import { median, ms, report, timed } from './stats.js';

const DEMO = fileURLToPath(new URL('../fixtures/lucky-demo/', import.meta.url));
const DB = fileURLToPath(new URL('../fixtures/lucky-db/', import.meta.url));

/** Runs of each timed step; medians are reported (the machine may be shared). */
const RUNS = 15;
/** Deployments of the whole scenario, each a few seconds. */
const SCENARIO_RUNS = 3;

/**
 * Benchmarks of issues 3 and 12 (item 6): deploying the three-unit scenario, the
 * simulator's cost per hook, and one hook-tool call, each against its target.
 */
export async function benchSimulator(): Promise<void> {
  const dir = await tempDir('lucky-bench-sim-');
  // Hooks find `lucky` as `lucky sim` gives it to them: a shim that runs this Node on the CLI (not pnpm's shell launcher).
  const bin = join(dir, 'bin');
  writeLuckyShim(bin, process.execPath, LUCKY_BIN);
  const path = [bin];
  try {
    // The scenario of the tests: lucky-demo ×2 with its peer relation, lucky-db ×1, related.
    // Deployed into fresh models SCENARIO_RUNS times (each with cold daemons): the median
    // is the figure, since one run on a shared machine can be far off either way.
    const deploys: number[] = [];
    let hooks = 0;
    for (let run = 0; run < SCENARIO_RUNS; run++) {
      const model = await LocalModel.create(join(dir, `scenario-${run}`), { path });
      hooks = 0;
      deploys.push(
        await timed(async () => {
          hooks += (await model.deploy(DEMO, { name: 'demo', units: 2 })).length;
          hooks += (await model.deploy(DB, { name: 'db' })).length;
          hooks += (await model.relate('demo:db', 'db')).length;
        }),
      );
      await model.destroy();
    }
    const deploy = median(deploys);
    const range = `${ms(Math.min(...deploys))} to ${ms(Math.max(...deploys))}`;
    report(
      'deploy the 3-unit scenario (2 apps, peer + db relation)',
      `${ms(deploy)} for ${hooks} hooks (${ms(deploy / hooks)} a hook), median of ${SCENARIO_RUNS}: ${range}`,
      {
        ok: deploy <= 4000,
        text: '<= 4 s',
      },
    );

    // Per-hook cost: a hook whose only script does nothing, against running nothing at all.
    const noop = await writeCharm(join(dir, 'noop'), {
      'metadata.yaml': 'name: noop\nsummary: does nothing\n',
      'config.yaml': 'options:\n  port:\n    type: int\n    default: 8080\n',
      'lucky.yaml': 'use-docker: false\nhooks:\n  noop:\n    - inline-host-script: "true"\n',
      dispatch: '#!/bin/sh\nexec lucky dispatch\n',
    });
    const bare = await LocalModel.create(join(dir, 'noop-model'), { path });
    await bare.deploy(noop);
    const hookTimes: number[] = [];
    const nothing: number[] = [];
    // Interleaved, so machine noise hits both alike.
    for (let i = 0; i < RUNS; i++) {
      hookTimes.push(await timed(() => bare.run('noop/0', 'noop')));
      nothing.push(await timed(() => execa('true', [], { stdin: 'ignore' })));
    }
    const hookRatio = median(hookTimes) / median(nothing);
    report('a no-op hook through the simulator and lucky dispatch', ms(median(hookTimes)));
    report('running nothing (spawning `true`)', ms(median(nothing)));
    report('per-hook overhead (simulator + Lucky)', ms(median(hookTimes) - median(nothing)));
    report('ratio no-op hook / true', `${hookRatio.toFixed(1)}×`, { ok: hookRatio <= 15, text: '<= 15×' });

    // One hook-tool call, as a hook's script makes it, against spawning `true`.
    const context = await bare.simulator.openContext('noop/0', 'config-changed');
    const toolTimes: number[] = [];
    const trueTimes: number[] = [];
    try {
      const options = { env: context.env, extendEnv: false, stdin: 'ignore' } as const;
      for (let i = 0; i < RUNS * 2; i++) {
        toolTimes.push(await timed(() => execa('config-get', ['port'], options)));
        trueTimes.push(await timed(() => execa('true', [], options)));
      }
    } finally {
      await context.close(false);
    }
    const toolRatio = median(toolTimes) / median(trueTimes);
    report('one hook-tool call (config-get port)', ms(median(toolTimes)));
    report('running nothing (spawning `true`), same environment', ms(median(trueTimes)));
    report('ratio hook-tool call / true', `${toolRatio.toFixed(1)}×`);
    await bare.destroy();
  } finally {
    await removeDir(dir);
  }
}
