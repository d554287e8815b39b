import { chmod, lstat, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execa } from 'execa';
import { LocalModel, createSimulatedModel, type HookOutcome } from '../src/index.js';
import { setHookScript, tempDir, writeCharm } from './support.js';

const LUCKY_CJS = fileURLToPath(new URL('../../cli/bin/lucky.cjs', import.meta.url));

/** A directory holding a `lucky` executable: the workspace's built CLI. */
async function luckyBinDir(root: string): Promise<string> {
  const bin = join(root, 'bin');
  await mkdir(bin, { recursive: true });
  await symlink(LUCKY_CJS, join(bin, 'lucky'));
  return bin;
}

/** Every path under `dir` (not following links) with its permission bits. */
async function modes(dir: string): Promise<Map<string, { mode: number; kind: 'dir' | 'file' | 'other' }>> {
  const found = new Map<string, { mode: number; kind: 'dir' | 'file' | 'other' }>();
  const walk = async (path: string): Promise<void> => {
    const stat = await lstat(path);
    const kind = stat.isDirectory() ? 'dir' : stat.isFile() ? 'file' : 'other';
    found.set(relative(dir, path) || '.', { mode: stat.mode & 0o777, kind });
    if (kind === 'dir') for (const name of await readdir(path)) await walk(join(path, name));
  };
  await walk(dir);
  return found;
}

function assertSucceeded(outcomes: readonly HookOutcome[]): void {
  for (const outcome of outcomes) assert.is(outcome.exitCode, 0, `${outcome.unit} ${outcome.hook}:\n${outcome.stderr}`);
}

/** Sets (or, with undefined, removes) a variable of this process for the duration of `fn`. */
async function withEnv<T>(name: string, value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const saved = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  }
}

// ---

const files = suite('model files: everything the simulator writes under the model is 0600, directories 0700');

files('a model with hooks, logs, relation data and storage: no file or directory is readable by others', async () => {
  const root = await tempDir('model-files');
  // The usual umask: the modes must come from the simulator, not from a strict umask.
  const umask = process.umask(0o022);
  let model: LocalModel | undefined;
  try {
    const charm = await writeCharm(join(root, 'web'), {
      'metadata.yaml': 'name: web\npeers:\n  cluster:\n    interface: web-cluster\nstorage:\n  data:\n    type: filesystem\n',
      'config.yaml': 'options:\n  password:\n    type: string\n    default: s3cret\n',
    });
    await setHookScript(charm, 'juju-log "hook $JUJU_HOOK_NAME"\nstatus-set active "$(config-get password | wc -c) bytes"\n');
    model = await LocalModel.create(join(root, 'model'), { path: [await luckyBinDir(root)] });
    assertSucceeded(await model.deploy(charm, { name: 'web', units: 2 }));
    assertSucceeded(await model.config('web', { password: 'other' }));
    const seen = await modes(model.dir);
    for (const path of [
      'model.json',
      'runner.json',
      'hook-log.jsonl',
      'logs/unit-web-0.jsonl',
      'tools/package.json',
      'tools/juju-log',
      'contexts',
      'units/unit-web-0',
    ]) {
      assert.ok(seen.has(path), `${path} was written (seen: ${[...seen.keys()].join(', ')})`);
    }
    assert.ok(
      [...seen.keys()].some((path) => path.startsWith('machines/') && path.includes('storage')),
      'storage directories were made',
    );
    const wrong: string[] = [];
    for (const [path, { mode, kind }] of seen) {
      // The hook tools must stay executable, by their owner only.
      const expected = kind === 'dir' || (path.startsWith('tools/') && path !== 'tools/package.json') ? 0o700 : 0o600;
      if (kind !== 'other' && mode !== expected) wrong.push(`${path}: ${mode.toString(8)} (expected ${expected.toString(8)})`);
    }
    assert.equal(wrong, []);
  } finally {
    process.umask(umask);
    await model?.destroy();
    await rm(root, { recursive: true, force: true });
  }
});

files.run();

// ---

const docker = suite('DOCKER_HOST of the calling process reaches hooks, unitEnv and the daemons hooks start');

docker('hooks and unitEnv get DOCKER_HOST when it is set, and not when it is not', async () => {
  const root = await tempDir('docker-host');
  try {
    const charm = await writeCharm(join(root, 'plain'), { 'metadata.yaml': 'name: plain\n' });
    await setHookScript(charm, 'echo "DOCKER_HOST=${DOCKER_HOST-unset}"\n');
    const model = await LocalModel.create(join(root, 'model'), { path: [await luckyBinDir(root)] });
    const withHost = await withEnv('DOCKER_HOST', 'unix:///run/test-engine/docker.sock', () => model.deploy(charm, { name: 'plain' }));
    assertSucceeded(withHost);
    for (const outcome of withHost) assert.is(outcome.stdout, 'DOCKER_HOST=unix:///run/test-engine/docker.sock\n', `${outcome.hook}`);
    assert.is(
      await withEnv('DOCKER_HOST', 'unix:///run/test-engine/docker.sock', async () => model.unitEnv('plain/0').DOCKER_HOST),
      'unix:///run/test-engine/docker.sock',
    );
    const without = await withEnv('DOCKER_HOST', undefined, () => model.run('plain/0', 'update-status'));
    assertSucceeded(without);
    assert.is(without[0]?.stdout, 'DOCKER_HOST=unset\n');
    assert.is(await withEnv('DOCKER_HOST', undefined, async () => model.unitEnv('plain/0').DOCKER_HOST), undefined);
    await model.destroy();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

docker('the unit daemon that lucky dispatch starts runs with DOCKER_HOST, and so do its scripts', async () => {
  const root = await tempDir('docker-host-daemon');
  const charm = join(root, 'lucky-charm');
  await mkdir(charm, { recursive: true });
  await writeFile(join(charm, 'metadata.yaml'), 'name: lucky-charm\n');
  await writeFile(join(charm, 'lucky.yaml'), 'use-docker: false\nhooks:\n  install:\n    - inline-host-script: echo "script DOCKER_HOST=$DOCKER_HOST"\n');
  await writeFile(join(charm, 'dispatch'), '#!/bin/sh\nexec lucky dispatch\n');
  await chmod(join(charm, 'dispatch'), 0o755);
  const model = await createSimulatedModel(join(root, 'model'));
  await model.addApplication('lc', { charmDir: charm, units: 1 });
  // What LocalModel adds for its hooks: where the unit's daemon lives, and lucky on PATH.
  const unit = {
    LUCKY_DATA_DIR: join(root, 'data'),
    LUCKY_DAEMON_SOCKET: join(root, 'run', 'daemon.sock'),
    PATH: `${model.toolsDir}:${await luckyBinDir(root)}:${process.env.PATH ?? ''}`,
  };
  let pid: number | undefined;
  try {
    const host = `unix://${join(root, 'engine.sock')}`;
    const result = await withEnv('DOCKER_HOST', host, () => model.runHook('lc/0', 'install', { extraEnv: unit, timeoutMs: 30_000 }));
    assert.is(result.exitCode, 0, result.stderr);
    assert.is(result.stdout, `script DOCKER_HOST=${host}\n`);
    // The daemon's own environment: its pid file sits next to its socket.
    pid = Number(await readFile(`${unit.LUCKY_DAEMON_SOCKET}.pid`, 'utf8'));
    const environ = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0');
    assert.ok(environ.includes(`DOCKER_HOST=${host}`), `daemon ${pid} environment: ${environ.filter((line) => /^(DOCKER|LUCKY)_/.test(line)).join(' ')}`);
  } finally {
    await execa(process.execPath, [LUCKY_CJS, 'daemon', 'stop', '--ignore-already-stopped'], {
      env: { ...unit, JUJU_UNIT_NAME: 'lc/0' },
      extendEnv: false,
      reject: false,
    });
    // Never leave this test's daemon behind, whatever state it is in (checked by its data dir, not just its pid).
    const environ = pid === undefined ? '' : await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    if (pid !== undefined && environ.split('\0').includes(`LUCKY_DATA_DIR=${unit.LUCKY_DATA_DIR}`)) process.kill(pid, 'SIGKILL');
    await rm(root, { recursive: true, force: true });
  }
});

docker.run();
