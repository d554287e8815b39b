import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const test = suite('LocalModel: usable from node:test');

const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const DEMO = fileURLToPath(new URL('../../../test/fixtures/lucky-demo/', import.meta.url));
const LUCKY = fileURLToPath(new URL('../../cli/bin/lucky.cjs', import.meta.url));

test('a node:test file deploys a charm and asserts on its status', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lucky-nodetest-'));
  try {
    // `lucky` must be on the hooks' PATH under that name.
    const bin = join(dir, 'bin');
    await execa('mkdir', ['-p', bin]);
    writeFileSync(join(bin, 'lucky'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(LUCKY)} "$@"\n`, { mode: 0o755 });
    const file = join(dir, 'charm.test.mjs');
    writeFileSync(
      file,
      `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalModel } from ${JSON.stringify(DIST)};

test('the demo charm deploys and reports its status', async () => {
  const model = await LocalModel.create(${JSON.stringify(join(dir, 'model'))}, { path: [${JSON.stringify(bin)}] });
  try {
    const outcomes = await model.deploy(${JSON.stringify(DEMO)}, { name: 'demo' });
    assert.ok(outcomes.every((o) => o.exitCode === 0));
    const status = await model.status();
    assert.equal(status.applications[0].units[0].workload.status, 'blocked');
    assert.equal(status.applications[0].units[0].workload.message, 'Waiting for a database, Configured: Hello');
  } finally {
    await model.destroy();
  }
});
`,
    );
    const result = await execa(process.execPath, ['--test', file], { reject: false, env: { ...process.env, NODE_OPTIONS: '' } });
    assert.is(result.exitCode, 0, String(result.stdout) + String(result.stderr));
    assert.match(String(result.stdout), /# pass 1/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
