import { writeFileSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { shellAwaitFile } from '@lucky/test-utils';
import { createSimulatedModel, openSimulatedModel } from '../src/index.js';
import { findBash, writeToolScripts } from '../src/tool-scripts.js';
import { makeFixture, rejects, setHookScript, tempDir, tool, writeCharm, type Fixture } from './support.js';

function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\0')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

// ---

const environment = suite('hook runner: environment');
let f1: Fixture;
environment.before(async () => {
  f1 = await makeFixture('environment');
});
environment.after(async () => {
  await rm(f1.root, { recursive: true, force: true });
});

environment('gives a relation hook the full Juju environment and nothing else', async () => {
  await setHookScript(f1.webCharm, 'env -0\n');
  const result = await f1.model.runHook('web/0', 'db-relation-departed', { remoteUnit: 'pg/1' });
  assert.is(result.exitCode, 0, result.stderr);
  const seen = parseEnv(result.stdout);
  const expected = {
    CHARM_DIR: f1.webCharm,
    JUJU_CHARM_DIR: f1.webCharm,
    JUJU_HOOK_NAME: 'db-relation-departed',
    JUJU_DISPATCH_PATH: 'hooks/db-relation-departed',
    JUJU_UNIT_NAME: 'web/0',
    JUJU_MODEL_NAME: 'dev',
    JUJU_VERSION: '3.6.8',
    JUJU_MACHINE_ID: '0',
    JUJU_AVAILABILITY_ZONE: '',
    JUJU_PRINCIPAL_UNIT: '',
    JUJU_AGENT_SOCKET_NETWORK: 'unix',
    JUJU_AGENT_SOCKET_ADDRESS: `@${f1.model.dir}/agents/unit-web-0/agent.socket`,
    JUJU_RELATION: 'db',
    JUJU_RELATION_ID: `db:${f1.db}`,
    JUJU_REMOTE_UNIT: 'pg/1',
    JUJU_REMOTE_APP: 'pg',
    JUJU_DEPARTING_UNIT: 'pg/1',
  };
  for (const [name, value] of Object.entries(expected)) assert.is(seen[name], value, name);
  assert.match(seen.JUJU_CONTEXT_ID ?? '', /^web\/0-db-relation-departed-\d+$/);
  assert.match(seen.JUJU_MODEL_UUID ?? '', /^[0-9a-f-]{36}$/);
  assert.ok(seen.PATH?.startsWith(`${f1.model.toolsDir}:`), 'tools first on PATH');
  assert.is(seen.HOME, undefined, 'the caller environment is not inherited');
  assert.is(result.env.JUJU_CONTEXT_ID, seen.JUJU_CONTEXT_ID);
  assert.is(result.contextId, seen.JUJU_CONTEXT_ID);
});

environment('sets an empty remote unit for -created and -broken, and no relation variables elsewhere', async () => {
  await setHookScript(f1.webCharm, 'true\n');
  const created = await f1.model.runHook('web/0', 'cluster-relation-created');
  assert.is(created.env.JUJU_REMOTE_UNIT, '');
  assert.is(created.env.JUJU_REMOTE_APP, 'web');
  assert.is(created.env.JUJU_RELATION_ID, `cluster:${f1.cluster}`);
  assert.is(created.env.JUJU_DEPARTING_UNIT, undefined);
  const plain = await f1.model.runHook('web/0', 'install', { extraEnv: { LUCKY_LOG_LEVEL: 'debug' } });
  assert.is(plain.env.JUJU_RELATION, undefined);
  assert.is(plain.env.JUJU_REMOTE_UNIT, undefined);
  assert.is(plain.env.LUCKY_LOG_LEVEL, 'debug');
  const workload = await f1.model.runHook('web/0', 'app-pebble-ready');
  assert.is(workload.env.JUJU_WORKLOAD_NAME, 'app');
});

environment('checks the relation options against the hook', async () => {
  await rejects(f1.model.runHook('web/0', 'db-relation-joined'), /needs a remote unit/);
  await rejects(f1.model.runHook('web/0', 'db-relation-joined', { remoteUnit: 'web/1' }), /not a unit of the remote application pg/);
  await rejects(f1.model.runHook('web/0', 'install', { remoteUnit: 'pg/0' }), /not a relation hook/);
  await rejects(f1.model.runHook('web/0', 'website-relation-joined', { remoteUnit: 'pg/0' }), /0 relations on endpoint "website"/);
  await rejects(f1.model.runHook('web/0', 'db-relation-broken', { remoteUnit: 'pg/0' }), /without a remote unit/);
});

environment.run();

// ---

const running = suite('hook runner: running hooks');
let root: string;
running.before(async () => {
  root = await tempDir('running');
});
running.after(async () => {
  await rm(root, { recursive: true, force: true });
});

running('runs hooks/<name> when the charm has no dispatch, and skips missing hooks', async () => {
  const charm = join(root, 'legacy');
  await mkdir(join(charm, 'hooks'), { recursive: true });
  await writeFile(join(charm, 'hooks', 'install'), '#!/bin/sh\necho "installing in $(pwd)"\nstatus-set active installed\n');
  await chmod(join(charm, 'hooks', 'install'), 0o755);
  const model = await createSimulatedModel(join(root, 'legacy-model'));
  await model.addApplication('legacy', { charmDir: charm });
  const install = await model.runHook('legacy/0', 'install');
  assert.is(install.exitCode, 0, install.stderr);
  assert.is(install.stdout, `installing in ${charm}\n`);
  assert.is(install.skipped, false);
  const start = await model.runHook('legacy/0', 'start');
  assert.equal([start.exitCode, start.skipped, start.stdout], [0, true, '']);
  const log = await model.hookLog('legacy/0');
  assert.equal(
    log.map((run) => [run.hook, run.handler, run.exitCode, run.committed]),
    [
      ['install', 'hooks/install', 0, true],
      ['start', null, 0, true],
    ],
  );
  assert.equal(await model.unitStatus('legacy/0'), { status: 'active', message: 'installed' });
});

running('streams output to callbacks as it arrives', async () => {
  const charm = await writeCharm(join(root, 'stream'), {});
  // "two" waits (up to 30 s) for a file the callback creates on seeing "one": output held back until the end would say "timeout".
  const gate = join(charm, 'saw-one');
  await setHookScript(charm, `echo one\necho oops >&2\n${shellAwaitFile(gate, 30)}\n[ -e ${gate} ] && echo two || echo timeout\n`);
  const model = await createSimulatedModel(join(root, 'stream-model'));
  await model.addApplication('stream', { charmDir: charm });
  const chunks: string[] = [];
  const errors: string[] = [];
  const result = await model.runHook('stream/0', 'install', {
    onStdout: (chunk) => {
      chunks.push(chunk);
      if (chunk.includes('one')) writeFileSync(gate, '');
    },
    onStderr: (chunk) => errors.push(chunk),
  });
  assert.is(result.stdout, 'one\ntwo\n');
  assert.is(result.stderr, 'oops\n');
  assert.equal(chunks, ['one\n', 'two\n']);
  assert.equal(errors.join(''), 'oops\n');
  const [run] = await model.hookLog('stream/0');
  assert.equal([run?.stdout, run?.stderr, run?.exitCode], ['one\ntwo\n', 'oops\n', 0]);
});

running('kills a hook after timeoutMs and discards its changes', async () => {
  const charm = await writeCharm(join(root, 'slow'), { 'metadata.yaml': 'name: slow\npeers:\n  peer:\n    interface: slow\n' });
  await setHookScript(charm, 'relation-set -r peer:0 started=yes\nexec sleep 10\n');
  const model = await createSimulatedModel(join(root, 'slow-model'));
  await model.addApplication('slow', { charmDir: charm });
  await model.addPeerRelation('slow', 'peer');
  const result = await model.runHook('slow/0', 'start', { timeoutMs: 300 });
  assert.is(result.exitCode, 143);
  assert.is((await model.relationData(0)).units['slow/0']?.started, undefined);
});

running('allows one running hook per unit', async () => {
  const charm = await writeCharm(join(root, 'single'), {});
  const model = await createSimulatedModel(join(root, 'single-model'));
  await model.addApplication('single', { charmDir: charm, units: 2 });
  const first = await model.openContext('single/0', 'install');
  try {
    await rejects(model.openContext('single/0', 'start'), /already running hook "install"/);
    const other = await model.openContext('single/1', 'install');
    await other.close(true);
  } finally {
    await first.close(true);
  }
  const again = await model.openContext('single/0', 'start');
  await again.close(true);
});

running.run();

// ---

const models = suite('hook runner: model files');
let dir: string;
models.before(async () => {
  dir = await tempDir('models');
});
models.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

models('creates, reopens and validates a model directory', async () => {
  const charm = await writeCharm(join(dir, 'charm'), { 'config.yaml': 'options:\n  port: {type: int, default: 80}\n' });
  const path = join(dir, 'model');
  const model = await createSimulatedModel(path, { name: 'reopen' });
  await model.addApplication('app', { charmDir: charm, units: 3, config: { port: 8080 } });
  const reopened = await createSimulatedModel(path);
  const state = await reopened.state();
  assert.is(state.name, 'reopen');
  assert.equal(Object.keys(state.units), ['app/0', 'app/1', 'app/2']);
  assert.equal(
    Object.values(state.units).map((unit) => unit.privateAddress),
    ['127.0.1.1', '127.0.1.2', '127.0.1.3'],
  );
  assert.is(state.applications.app?.leader, 'app/0');
  const unit = await reopened.addUnit('app');
  assert.is(unit, 'app/3');
  await reopened.setLeader('app', 'app/2');
  assert.is((await (await openSimulatedModel(path)).state()).applications.app?.leader, 'app/2');

  const text = await readFile(join(path, 'model.json'), 'utf8');
  await writeFile(join(path, 'model.json'), text.replace('"leader": "app/2"', '"leader": 7'));
  await rejects(openSimulatedModel(path), /applications\.app\.leader/);
  await writeFile(join(path, 'model.json'), text);
});

models('checks config values against the option types', async () => {
  const charm = await writeCharm(join(dir, 'typed'), {});
  const model = await createSimulatedModel(join(dir, 'typed-model'));
  await model.addApplication('typed', { charmDir: charm, configOptions: { port: { type: 'int', default: 80 }, name: { type: 'string' } } });
  await rejects(model.setConfig('typed', { port: 'eighty' }), /option "port": expected int/);
  await rejects(model.setConfig('typed', { nope: 1 }), /Unknown config option "nope"/);
  await model.setConfig('typed', { port: 81, name: 'x' });
  await model.setConfig('typed', { name: null });
  assert.equal((await model.state()).applications.typed?.config, { port: 81 });
});

models('refuses relations on endpoints the charm does not declare', async () => {
  const charm = await writeCharm(join(dir, 'declared'), { 'metadata.yaml': 'name: declared\nprovides:\n  api:\n    interface: http\n' });
  const model = await createSimulatedModel(join(dir, 'declared-model'));
  await model.addApplication('one', { charmDir: charm });
  await model.addApplication('two', { charmDir: charm });
  await rejects(model.addRelation('one:nope', 'two:api'), /has no endpoint "nope"/);
  assert.is(await model.addRelation('one:api', 'two:api'), 'api:0');
  await rejects(model.addRelation('two:api', 'one:api'), /already exists/);
});

models('breaks a lock left behind by a dead process', async () => {
  const charm = await writeCharm(join(dir, 'locked'), {});
  const model = await createSimulatedModel(join(dir, 'locked-model'));
  await model.addApplication('locked', { charmDir: charm });
  const dead = execa('node', ['-e', '0']);
  await dead;
  await writeFile(join(model.dir, 'model.lock'), `${dead.pid} crashed-holder`);
  const ctx = await model.openContext('locked/0', 'install');
  try {
    const result = await tool(model, ctx.env, 'status-set', ['active', 'unlocked']);
    assert.is(result.exitCode, 0, result.stderr);
  } finally {
    await ctx.close(true);
  }
  assert.equal(await model.unitStatus('locked/0'), { status: 'active', message: 'unlocked' });
});

models('generates one executable per tool: a bash client of the model server, which falls back to the tool in Node', async () => {
  const model = await createSimulatedModel(join(dir, 'built-model'));
  const lines = (await readFile(join(model.toolsDir, 'relation-get'), 'utf8')).trimEnd().split('\n');
  assert.is(lines[0], `#!${findBash() ?? ''}`);
  assert.ok(
    lines.some((line) => line.includes('/dev/tcp/127.0.0.1/')),
    'connects to the model server',
  );
  assert.is(lines.at(-1), `exec ${process.execPath} ${fileURLToPath(new URL('../bin/hook-tool.js', import.meta.url))} relation-get "$@"`);
});

models('without bash, one Node script per tool that loads the compiled entry point', async () => {
  const model = await createSimulatedModel(join(dir, 'node-tools-model'));
  await writeToolScripts(model.toolsDir, { bash: null });
  const names = (await readFile(join(model.toolsDir, 'relation-get'), 'utf8')).split('\n');
  assert.is(names[0], '#!/usr/bin/env node');
  assert.match(names[2] ?? '', /dist\/tools\/main\.js"\)\.then/);
  await model.addApplication('web', { charmDir: await writeCharm(join(dir, 'node-tools-charm'), { 'metadata.yaml': 'name: web\n' }) });
  const ctx = await model.openContext('web/0', 'install');
  try {
    const result = await execa(join(model.toolsDir, 'is-leader'), [], { env: ctx.env, extendEnv: false, reject: false });
    assert.equal([result.exitCode, result.stdout, result.stderr], [0, 'True', '']);
  } finally {
    await ctx.close(true);
  }
});

models.run();
