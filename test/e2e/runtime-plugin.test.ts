import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TestModel, lucky, writeCharm } from '@lucky/test-utils';

interface Call {
  readonly call: string;
  readonly [key: string]: unknown;
}

interface Ctx {
  sim: TestModel;
  charm: string;
  calls: string;
}

const test = suite<Ctx>('a third-party runtime: selected with runtime:, served every container command, and adds a lucky command');

// A runtime plugin as a third party would publish it and a charm would install it in
// its node_modules: it records every call of the runtime interface in a JSON-lines
// file, serves an RPC method, and adds `lucky recorder calls` that calls it.
const RECORDER = `
import { appendFileSync, readFileSync } from 'node:fs';
import * as v from 'valibot';

export default function recorder(options) {
  const record = (entry) => appendFileSync(options.log, JSON.stringify(entry) + '\\n');
  const calls = () => readFileSync(options.log, 'utf8').trim().split('\\n').filter(Boolean).map((line) => JSON.parse(line));
  let running = new Set();
  return {
    name: 'lucky-runtime-recorder',
    runtime: {
      name: 'recorder',
      scriptsDir: '/recorded/scripts',
      clientEnvironment: (container) => ({ LUCKY_DAEMON_SOCKET: '/in-' + (container || 'default') + '/lucky.sock' }),
      async ensureEngine(daemon) { record({ call: 'ensureEngine', hook: daemon.currentHook()?.hook }); },
      async apply(definitions, daemon, opts) {
        record({ call: 'apply', hook: daemon.currentHook()?.hook, definitions, force: opts?.force ?? false });
        running = new Set(Object.keys(definitions));
      },
      async isRunning(name) { return running.has(name); },
      async exec(name, command, opts, daemon) {
        record({ call: 'exec', container: name, command, env: opts.env, hook: daemon.currentHook()?.hook });
        opts.output('stdout', 'recorded exec of ' + command.join(' ') + '\\n');
        return command.includes('fail') ? 3 : 0;
      },
      async removeAll(daemon) { record({ call: 'removeAll', hook: daemon.currentHook()?.hook }); running = new Set(); },
    },
    rpc: {
      'recorder.calls': {
        params: v.object({ call: v.optional(v.string()) }),
        result: v.object({ count: v.number() }),
        handler: ({ call }) => ({ count: calls().filter((entry) => call === undefined || entry.call === call).length }),
      },
    },
    commands: ({ Command, Option, ClientCommand }) => [
      class RecorderCallsCommand extends ClientCommand {
        static paths = [['recorder', 'calls']];
        static usage = Command.Usage({ description: 'count the runtime calls the recorder saw', examples: [['Execs', 'lucky recorder calls --call exec']] });
        only = Option.String('--call', { description: 'Only calls of this runtime method' });
        async execute() {
          const { count } = await this.call('recorder.calls', this.only === undefined ? {} : { call: this.only });
          this.context.stdout.write(count + '\\n');
          return 0;
        }
      },
    ],
  };
}
`;

const LUCKY_YAML = (log: string) => `
runtime: [lucky-runtime-recorder, { log: ${JSON.stringify(log)} }]
hooks:
  install:
    - inline-host-script: echo installed
  config-changed:
    - inline-host-script: |
        set -e
        lucky container image set registry.example/app:1
        lucky container env set A=1 B=two
        lucky container volume add data /data
        lucky container port add 8080:80
        lucky container set-entrypoint /bin/app
        lucky container set-command -- serve --port 80
        lucky container set-network host
        lucky container image set helper:2 -c side
    - container-script: probe.sh
      args: [first]
    - inline-container-script: echo inline
      container-name: side
    - inline-host-script: |
        set -e
        lucky container env set B= 
        lucky container port remove 8080:80
        lucky container volume remove /data
        lucky container delete -c side
        lucky container apply-updates
        echo "execs: $(lucky recorder calls --call exec)"
  failing-container-script:
    - container-script: probe.sh
      args: [fail]
  stop:
    - inline-host-script: echo stopping
`;

test.before(async (ctx) => {
  ctx.sim = await TestModel.create();
  ctx.calls = join(ctx.sim.dir, 'recorder-calls.jsonl');
  ctx.charm = await writeCharm(join(ctx.sim.dir, 'charm'), {
    'metadata.yaml': 'name: recorded\n',
    dispatch: '#!/bin/sh\nexec lucky dispatch\n',
    'lucky.yaml': LUCKY_YAML(ctx.calls),
    'container_scripts/probe.sh': '#!/bin/sh\necho never run on the host\n',
    'node_modules/lucky-runtime-recorder/package.json': '{ "name": "lucky-runtime-recorder", "type": "module", "exports": "./index.js" }',
    'node_modules/lucky-runtime-recorder/index.js': RECORDER,
  });
  // The plugin's own dependency, as npm would install it next to the plugin.
  let valibot = dirname(createRequire(import.meta.url).resolve('valibot'));
  while (!existsSync(join(valibot, 'package.json'))) valibot = dirname(valibot);
  symlinkSync(valibot, join(ctx.charm, 'node_modules', 'valibot'));
  await ctx.sim.model.addApplication('recorded', { charmDir: ctx.charm, units: 1 });
});

test.after(async (ctx) => {
  await ctx.sim.stop();
});

function calls(ctx: Ctx): Call[] {
  if (!existsSync(ctx.calls)) return [];
  return readFileSync(ctx.calls, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Call);
}

test('install asks the selected runtime (not Docker) for its engine', async (ctx) => {
  const result = await ctx.sim.hook('recorded/0', 'install');
  assert.is(result.exitCode, 0, result.stderr);
  assert.equal(
    calls(ctx).filter((call) => call.call === 'ensureEngine'),
    [{ call: 'ensureEngine', hook: 'install' }],
  );
  const status = await lucky(['daemon', 'status', '--format', 'json'], { ...ctx.sim.unitEnv('recorded/0'), JUJU_UNIT_NAME: 'recorded/0' });
  const daemon = JSON.parse(status.stdout) as { runtime: string; plugins: string[] };
  assert.is(daemon.runtime, 'recorder');
  assert.ok(daemon.plugins.includes('lucky-runtime-recorder'), daemon.plugins.join(', '));
  assert.not.ok(daemon.plugins.includes('@lucky/plugin-docker'), 'the Docker plugin was loaded');
});

test('every container command reaches the runtime through apply, and container scripts run through its exec', async (ctx) => {
  const before = calls(ctx).length;
  const result = await ctx.sim.hook('recorded/0', 'config-changed');
  assert.is(result.exitCode, 0, result.stderr);
  const made = calls(ctx).slice(before);
  const applies = made.filter((call) => call.call === 'apply');
  // After the first script: both containers, as the commands defined them.
  assert.equal(applies[0]?.definitions, {
    '': {
      image: 'registry.example/app:1',
      pull: true,
      env: { A: '1', B: 'two' },
      entrypoint: '/bin/app',
      command: ['serve', '--port', '80'],
      volumes: { '/data': 'data' },
      ports: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
      network: 'host',
      pullPolicy: 'missing',
    },
    side: { image: 'helper:2', pull: true, env: {}, entrypoint: null, command: null, volumes: {}, ports: [], network: null, pullPolicy: 'missing' },
  });
  // The container scripts: the path is the runtime's scriptsDir, the socket its clientEnvironment.
  const execs = made.filter((call) => call.call === 'exec');
  assert.equal(
    execs.map((call) => [call.container, call.command]),
    [
      ['', ['/recorded/scripts/probe.sh', 'first']],
      ['side', ['/bin/bash', '-c', 'echo inline']],
    ],
  );
  const env = execs[0]?.env as Record<string, string>;
  assert.is(env.LUCKY_DAEMON_SOCKET, '/in-default/lucky.sock');
  assert.is(env.LUCKY_HOOK, 'config-changed');
  assert.is(env.JUJU_UNIT_NAME, 'recorded/0');
  assert.is((execs[1]?.env as Record<string, string>).LUCKY_DAEMON_SOCKET, '/in-side/lucky.sock');
  assert.match(result.stdout, 'recorded exec of /recorded/scripts/probe.sh first');
  // The last script's removals, then apply-updates: one apply with the result, and the plugin's command answered.
  assert.equal(applies.at(-1)?.definitions, {
    '': {
      image: 'registry.example/app:1',
      pull: true,
      env: { A: '1' },
      entrypoint: '/bin/app',
      command: ['serve', '--port', '80'],
      volumes: {},
      ports: [],
      network: 'host',
      pullPolicy: 'missing',
    },
  });
  assert.match(result.stdout, 'execs: 2\n', result.stdout + result.stderr);
});

test('a container script that fails in the runtime fails the hook with its exit code', async (ctx) => {
  const result = await ctx.sim.hook('recorded/0', 'failing-container-script');
  assert.is(result.exitCode, 1);
  assert.match(result.stderr, 'Container script "probe.sh" exited non-zero: 3');
});

test('the plugin command has --help and appears in lucky --help for the charm', async (ctx) => {
  const env = { ...ctx.sim.unitEnv('recorded/0'), JUJU_UNIT_NAME: 'recorded/0', JUJU_CHARM_DIR: ctx.charm };
  const help = await lucky(['recorder', 'calls', '--help'], env);
  assert.is(help.exitCode, 0, help.stderr);
  assert.match(help.stdout, 'Count the runtime calls the recorder saw', help.stdout + help.stderr);
  assert.match(help.stdout, '--call <call>');
  const all = await lucky(['--help'], env);
  assert.match(all.stdout, 'lucky recorder calls');
  const count = await lucky(['recorder', 'calls', '--call', 'ensureEngine'], env);
  assert.is(count.stdout, '1\n', count.stderr);
  // Without the charm, the command does not exist.
  const elsewhere = await lucky(['recorder', 'calls'], { ...env, JUJU_CHARM_DIR: ctx.sim.dir });
  assert.is(elsewhere.exitCode, 1);
  assert.match(elsewhere.stderr, /^Error: No lucky\.yaml in the charm directory/);
});

test('stop removes the containers through the runtime', async (ctx) => {
  const result = await ctx.sim.hook('recorded/0', 'stop');
  assert.is(result.exitCode, 0, result.stderr);
  assert.equal(
    calls(ctx).filter((call) => call.call === 'removeAll'),
    [{ call: 'removeAll', hook: 'stop' }],
  );
});

test.run();
