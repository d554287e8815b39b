import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { charmHooks, dispatchScript, stubScript, writeHookStubs } from '../src/index.js';
import { listFiles, removeDir, tempDir } from './support.js';

interface Ctx {
  dir: string;
}

const test = suite<Ctx>('hook stubs: dispatch, hooks/<name>, actions/<name>');

test.before.each(async (ctx) => {
  ctx.dir = await tempDir('stubs');
});

test.after.each(async (ctx) => {
  await removeDir(ctx.dir);
});

const METADATA = { name: 'demo', requires: { db: { interface: 'pgsql' } }, peers: { ring: { interface: 'demo-ring' } } };

async function mode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

test('writes dispatch and a stub for every hook and action, mode 0755, and returns their paths', async ({ dir }) => {
  const written = await writeHookStubs(dir, METADATA, ['backup']);
  const { hooks } = charmHooks(METADATA);
  assert.equal(written, ['dispatch', ...hooks.map((hook) => `hooks/${hook}`), 'actions/backup']);
  assert.equal(await listFiles(dir), [...written].sort());
  for (const path of written) assert.is(await mode(join(dir, path)), 0o755, path);
  assert.is(await readFile(join(dir, 'dispatch'), 'utf8'), dispatchScript());
  assert.is(await readFile(join(dir, 'hooks', 'db-relation-joined'), 'utf8'), stubScript('hooks', 'db-relation-joined'));
  assert.is(await readFile(join(dir, 'actions', 'backup'), 'utf8'), stubScript('actions', 'backup'));
});

test('the texts: dispatch keeps a given JUJU_DISPATCH_PATH, a stub names itself', () => {
  const dispatch = dispatchScript();
  assert.ok(dispatch.startsWith('#!/bin/sh\n'));
  assert.match(dispatch, 'JUJU_DISPATCH_PATH="${JUJU_DISPATCH_PATH:-$0}"\nexport JUJU_DISPATCH_PATH\n');
  assert.match(dispatch, 'exec "$charm_dir/lucky/bin/lucky" dispatch\n');
  assert.ok(dispatch.endsWith('exec lucky dispatch\n'));
  assert.is(
    stubScript('actions', 'backup'),
    '#!/bin/sh\n# Lucky hook stub: Juju versions without dispatch run this for actions/backup.\n' +
      'JUJU_DISPATCH_PATH="${JUJU_DISPATCH_PATH:-actions/backup}"\nexport JUJU_DISPATCH_PATH\nexec "$(dirname "$0")/../dispatch"\n',
  );
});

test("a second run replaces older stubs, removes stale ones and leaves the author's files", async ({ dir }) => {
  await writeHookStubs(dir, METADATA, ['backup']);
  await writeFile(join(dir, 'hooks', 'install'), '#!/bin/sh\n# Lucky hook stub: an older text\n');
  await writeFile(join(dir, 'hooks', 'my-notes.txt'), 'not a stub\n');
  await writeFile(join(dir, 'dispatch'), '#!/bin/sh\necho old\n');
  const written = await writeHookStubs(dir, { name: 'demo', peers: { ring: { interface: 'demo-ring' } } });
  assert.not.ok(written.some((path) => path.includes('db-relation')));
  assert.not.ok(existsSync(join(dir, 'hooks', 'db-relation-joined')), 'stale relation stub removed');
  assert.not.ok(existsSync(join(dir, 'actions')), 'actions/ removed once it held only stale stubs');
  assert.ok(existsSync(join(dir, 'hooks', 'my-notes.txt')), 'other files stay');
  assert.is(await readFile(join(dir, 'hooks', 'install'), 'utf8'), stubScript('hooks', 'install'));
  assert.is(await readFile(join(dir, 'dispatch'), 'utf8'), dispatchScript());
  assert.is(await mode(join(dir, 'dispatch')), 0o755);
});

test('a hooks/<name> symlink to dispatch is replaced by a file, leaving dispatch intact', async ({ dir }) => {
  await mkdir(join(dir, 'hooks'));
  await writeFile(join(dir, 'dispatch'), 'old');
  await symlink('../dispatch', join(dir, 'hooks', 'install'));
  await writeHookStubs(dir, { name: 'demo' });
  assert.ok((await lstat(join(dir, 'hooks', 'install'))).isFile());
  assert.is(await readFile(join(dir, 'dispatch'), 'utf8'), dispatchScript());
});

/** Runs a stub with Juju's minimal environment and a `lucky` on PATH that reports how it was called. */
async function runStub(dir: string, stub: string, env: Record<string, string>): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const result = await execa(join(dir, stub), [], { cwd: dir, env: { PATH: `${join(dir, 'path')}:/usr/bin:/bin`, ...env }, extendEnv: false, reject: false });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

test('stubs run dispatch, which runs the bundled runtime when there is one, else lucky from PATH', async ({ dir }) => {
  await writeHookStubs(dir, METADATA, ['backup']);
  await mkdir(join(dir, 'path'));
  await writeFile(join(dir, 'path', 'lucky'), '#!/bin/sh\necho "path lucky $* $JUJU_DISPATCH_PATH"\n', { mode: 0o755 });

  assert.equal(await runStub(dir, 'hooks/db-relation-changed', { JUJU_CHARM_DIR: dir }), {
    exitCode: 0,
    stdout: 'path lucky dispatch hooks/db-relation-changed',
    stderr: '',
  });
  assert.equal(await runStub(dir, 'actions/backup', {}), { exitCode: 0, stdout: 'path lucky dispatch actions/backup', stderr: '' });
  // Modern Juju runs dispatch itself with the path set; a stub never overrides it.
  assert.is((await runStub(dir, 'hooks/install', { JUJU_DISPATCH_PATH: 'hooks/start' })).stdout, 'path lucky dispatch hooks/start');
  assert.is((await runStub(dir, 'dispatch', { JUJU_DISPATCH_PATH: 'hooks/stop', JUJU_CHARM_DIR: dir })).stdout, 'path lucky dispatch hooks/stop');

  await mkdir(join(dir, 'lucky', 'bin'), { recursive: true });
  const bundled = join(dir, 'lucky', 'bin', 'lucky');
  await writeFile(bundled, '#!/bin/sh\necho "bundled lucky $* $JUJU_DISPATCH_PATH"\n', { mode: 0o644 });
  assert.is(
    (await runStub(dir, 'hooks/install', { JUJU_CHARM_DIR: dir })).stdout,
    'path lucky dispatch hooks/install',
    'a bundled file that is not executable is not used',
  );
  await chmod(bundled, 0o755);
  assert.is((await runStub(dir, 'hooks/install', { JUJU_CHARM_DIR: dir })).stdout, 'bundled lucky dispatch hooks/install');
  // Without JUJU_CHARM_DIR, dispatch finds the charm from its own location.
  assert.is((await runStub(dir, 'hooks/install', {})).stdout, 'bundled lucky dispatch hooks/install');
});

test('without any lucky, dispatch fails with a message saying what to do', async ({ dir }) => {
  await writeHookStubs(dir, { name: 'demo' });
  const result = await runStub(dir, 'hooks/install', { JUJU_CHARM_DIR: dir });
  assert.is(result.exitCode, 1);
  assert.match(result.stderr, `dispatch: lucky is not on PATH and ${dir}/lucky/bin/lucky does not exist; build the charm with "lucky charm build".`);
});

test('create-lucky-charm/stubs exports the stub API alone, from the built package', async () => {
  const stubs = await import('create-lucky-charm/stubs');
  assert.equal(Object.keys(stubs).sort(), ['STANDARD_HOOKS', 'charmHooks', 'dispatchScript', 'stubScript', 'writeHookStubs']);
  assert.is(stubs.dispatchScript(), dispatchScript());
  assert.equal(stubs.charmHooks(METADATA, ['a']), charmHooks(METADATA, ['a']));
});

test.run();
