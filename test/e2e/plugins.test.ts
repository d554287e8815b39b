import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DaemonClient } from '@lucky/core';
import { LUCKY_BIN, lucky, removeDir, tempDir, writeCharm } from '@lucky/test-utils';
import { execa } from 'execa';
import { existsSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

interface Ctx {
  dir: string;
  charm: string;
  env: Record<string, string>;
}

const test = suite<Ctx>('plugins: listed in lucky.yaml, loaded from the charm');

// A third-party plugin as a charm would ship it in its node_modules: a default-exported
// factory taking options from lucky.yaml, adding an RPC method and a lifecycle hook.
const PLUGIN = `
import * as v from 'valibot';

export default function greeter(options) {
  return {
    name: 'lucky-plugin-greeter',
    rpc: {
      'greeter.hello': {
        params: v.object({ name: v.string() }),
        handler: (params) => ({ greeting: options.greeting + ', ' + params.name }),
      },
    },
    hooks: {
      async beforeHook(hook, daemon) {
        await daemon.state.mutate((state) => { state.kv['greeted-in'] = hook.hook; });
      },
    },
  };
}
`;

test.before(async (ctx) => {
  ctx.dir = await tempDir();
  ctx.charm = await writeCharm(join(ctx.dir, 'charm'), {
    'lucky.yaml': 'use-docker: false\nplugins:\n  - [lucky-plugin-greeter, { greeting: Hi }]\nhooks:\n  hello:\n    - inline-host-script: echo ok\n',
    'node_modules/lucky-plugin-greeter/package.json': '{ "name": "lucky-plugin-greeter", "type": "module", "exports": "./index.js" }',
    'node_modules/lucky-plugin-greeter/index.js': PLUGIN,
  });
  // The plugin's own dependency, as npm would install it next to the plugin.
  let valibot = dirname(createRequire(import.meta.url).resolve('valibot'));
  while (!existsSync(join(valibot, 'package.json'))) valibot = dirname(valibot);
  symlinkSync(valibot, join(ctx.charm, 'node_modules', 'valibot'));
  ctx.env = { JUJU_UNIT_NAME: 'plug/0', JUJU_CHARM_DIR: ctx.charm, LUCKY_DAEMON_SOCKET: join(ctx.dir, 'd.sock'), LUCKY_DATA_DIR: join(ctx.dir, 'data') };
});

test.after(async (ctx) => {
  await lucky(['daemon', 'stop', '-i'], ctx.env);
  await removeDir(ctx.dir);
});

test("a plugin's method is served (params checked by its schema) and its hook runs before the scripts", async (ctx) => {
  const run = await execa(process.execPath, [LUCKY_BIN, 'dispatch', 'hello'], { env: { PATH: process.env.PATH, ...ctx.env }, extendEnv: false, reject: false });
  assert.is(run.exitCode, 0, String(run.stderr));
  const client = await DaemonClient.connect(ctx.env.LUCKY_DAEMON_SOCKET!);
  assert.equal(await client.callRaw('greeter.hello', { name: 'Juju' }), { greeting: 'Hi, Juju' });
  try {
    await client.callRaw('greeter.hello', { name: 42 });
    assert.unreachable('bad params were accepted');
  } catch (error) {
    assert.match((error as Error).message, /^Invalid params for greeter\.hello: name: Invalid type/);
  }
  client.close();
  assert.is((await lucky(['kv', 'get', 'greeted-in'], ctx.env)).stdout, 'hello\n');
});

test('a plugin that cannot be found stops the daemon from starting, with the reason', async (ctx) => {
  await lucky(['daemon', 'stop', '-i'], ctx.env);
  await writeCharm(ctx.charm, { 'lucky.yaml': 'plugins: [lucky-plugin-missing]\nhooks: {}\n' });
  const start = await lucky(['daemon', 'start'], ctx.env);
  assert.is(start.exitCode, 1);
  assert.match(
    start.stderr,
    /Cannot find the plugin "lucky-plugin-missing" listed in lucky\.yaml from .*; install it in the charm \(npm install lucky-plugin-missing\)\./,
  );
});

test.run();
