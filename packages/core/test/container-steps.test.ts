import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ContainerRuntime } from '../src/containers/runtime.js';
import type { ContainerDefinition } from '../src/containers/schema.js';
import { containerSteps } from '../src/containers/steps.js';
import type { ScriptRun } from '../src/plugin.js';
import { createPluginTestContext } from '../src/testing/plugin-context.js';

const test = suite('container steps: what is applied, and when');

/** A runtime at the plugin boundary: records each apply, and fails the ones it is told to. */
function recordingRuntime(): ContainerRuntime & { applies: string[]; failNext: boolean } {
  const runtime = {
    applies: [] as string[],
    failNext: false,
    name: 'recorder',
    scriptsDir: '/scripts',
    clientEnvironment: () => ({}),
    ensureEngine: async () => undefined,
    async apply(definitions: Readonly<Record<string, ContainerDefinition>>) {
      runtime.applies.push(
        Object.values(definitions)
          .map((definition) => definition.image)
          .join(','),
      );
      if (runtime.failNext) {
        runtime.failNext = false;
        throw new Error('pull failed: no such image');
      }
    },
    isRunning: async () => true,
    exec: async () => 0,
    removeAll: async () => undefined,
  };
  return runtime;
}

const image = (name: string): ContainerDefinition => ({
  image: name,
  pull: true,
  env: {},
  entrypoint: null,
  command: null,
  volumes: {},
  ports: [],
  network: null,
});

test('after a failed apply, restoring the previous definitions applies them again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lucky-steps-'));
  try {
    const runtime = recordingRuntime();
    const daemon = createPluginTestContext({ unit: 'steps/0', dir, runtime });
    const steps = containerSteps();
    const run = { hook: daemon.currentHook()! } as unknown as ScriptRun;
    const afterScript = (): Promise<void> => Promise.resolve(steps.hooks!.afterScript!(run, daemon));

    await daemon.define({ '': image('good:1') });
    await afterScript();
    // Unchanged definitions cost no engine call.
    await afterScript();
    assert.equal(runtime.applies, ['good:1']);

    await daemon.define({ '': image('bad:1') });
    runtime.failNext = true;
    let failed = false;
    await afterScript().catch(() => (failed = true));
    assert.ok(failed, 'the failed apply was not reported');

    // The engine may be anywhere now: the good definitions must be applied, not skipped as "already applied".
    await daemon.define({ '': image('good:1') });
    await afterScript();
    assert.equal(runtime.applies, ['good:1', 'bad:1', 'good:1']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
