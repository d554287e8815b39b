import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LUCKY_BIN, lucky, removeDir, simUnits, tempDir, writeCharm } from '@lucky/test-utils';

interface Ctx {
  dir: string;
  charm: string;
  calls: string;
  env: Record<string, string>;
}

const EXAMPLE = fileURLToPath(new URL('../../docs/examples/lucky-runtime-recorder/', import.meta.url));
const test = suite<Ctx>("the plugin guide's runtime (docs/examples/lucky-runtime-recorder), installed in a charm and run in lucky sim");

interface Call {
  readonly call: string;
  readonly hook?: string;
  readonly container?: string;
  readonly command?: string[];
  readonly definitions?: Record<string, { image: string }>;
}

function calls(ctx: Ctx): Call[] {
  if (!existsSync(ctx.calls)) return [];
  return readFileSync(ctx.calls, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Call);
}

test.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-plugin-guide-');
  ctx.calls = join(ctx.dir, 'calls.jsonl');
  // The charm of the guide's "Using it in a charm", with the plugin installed as npm would.
  ctx.charm = await writeCharm(join(ctx.dir, 'recorded'), {
    'metadata.yaml': 'name: recorded\nsummary: Runs its container through lucky-runtime-recorder.\n',
    dispatch: '#!/bin/sh\nexec lucky dispatch\n',
    'lucky.yaml': [
      'runtime: lucky-runtime-recorder',
      'plugins:',
      `  - [lucky-runtime-recorder, { log: ${JSON.stringify(ctx.calls)} }]`,
      'hooks:',
      '  install:',
      '    - inline-host-script: lucky container image set nginx:1.27',
      '  config-changed:',
      '    - container-script: probe.sh',
      '    - inline-host-script: |',
      '        lucky set-status active "execs: $(lucky recorder calls --call exec)"',
      '',
    ].join('\n'),
    'container_scripts/probe.sh': '#!/bin/sh\necho never run on the host\n',
  });
  cpSync(EXAMPLE, join(ctx.charm, 'node_modules', 'lucky-runtime-recorder'), { recursive: true });
  // The plugin's own dependency, as npm would install it next to the plugin.
  let valibot = dirname(createRequire(import.meta.url).resolve('valibot'));
  while (!existsSync(join(valibot, 'package.json'))) valibot = dirname(valibot);
  symlinkSync(valibot, join(ctx.charm, 'node_modules', 'valibot'));
  const bin = join(ctx.dir, 'bin');
  mkdirSync(bin);
  symlinkSync(LUCKY_BIN, join(bin, 'lucky'));
  ctx.env = { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, LUCKY_SIM_MODEL: join(ctx.dir, 'model') };
});

test.after(async (ctx) => {
  await lucky(['sim', 'destroy'], ctx.env);
  await removeDir(ctx.dir);
});

test('deploy: the runtime gets ensureEngine, apply with the definition, and exec for the container script; its command answers', async (ctx) => {
  const deployed = await lucky(['sim', 'deploy', ctx.charm], ctx.env);
  assert.is(deployed.exitCode, 0, deployed.stdout + deployed.stderr);
  const made = calls(ctx);
  assert.equal(
    made.find((call) => call.call === 'ensureEngine'),
    { call: 'ensureEngine', hook: 'install' },
  );
  const applied = made.find((call) => call.call === 'apply' && call.definitions?.['']);
  assert.is(applied?.definitions?.['']?.image, 'nginx:1.27');
  const execs = made.filter((call) => call.call === 'exec');
  assert.equal(
    execs.map((call) => [call.hook, call.container, call.command]),
    [['config-changed', '', ['/recorded/scripts/probe.sh']]],
  );
  const status = await lucky(['sim', 'status', '--format', 'json'], ctx.env);
  assert.equal(simUnits(status.stdout)[0]?.workload, { status: 'active', message: 'execs: 1' });
});

test("the plugin's command has its --help in the charm", async (ctx) => {
  const help = await lucky(['recorder', 'calls', '--help'], { ...ctx.env, JUJU_CHARM_DIR: ctx.charm });
  assert.is(help.exitCode, 0, help.stderr);
  assert.match(help.stdout, 'lucky recorder calls --call exec');
});

test('remove-unit: the runtime removes the containers', async (ctx) => {
  const removed = await lucky(['sim', 'remove-unit', 'recorded/0'], ctx.env);
  assert.is(removed.exitCode, 0, removed.stdout + removed.stderr);
  assert.ok(
    calls(ctx).some((call) => call.call === 'removeAll'),
    'removeAll was not called',
  );
});

test.run();
