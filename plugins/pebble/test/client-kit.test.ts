// The client kit placed in a workload's shared directory: what the workload may have
// planted there (symlinks to the charm side's files and directories) is never followed.
import { lstat, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeDir, tempDir } from '@lucky/test-utils';
import { describeClientKit, placeClientKit, type ClientKit } from '../src/runtime/client-kit.js';

interface Ctx {
  dir: string;
  shared: string;
  outside: string;
  kit: ClientKit;
}

const test = suite<Ctx>('pebble runtime: the client kit in the shared directory');

test.before.each(async (ctx) => {
  ctx.dir = await tempDir('pebble-kit-');
  ctx.shared = join(ctx.dir, 'shared');
  ctx.outside = join(ctx.dir, 'outside');
  await mkdir(ctx.shared);
  await mkdir(ctx.outside);
  const source = join(ctx.dir, 'node-binary');
  await writeFile(source, 'the charm side node\n');
  ctx.kit = { files: [{ source, target: 'runtime/node', mode: 0o755 }], wrapper: '#!/bin/sh\nexec node "$@"\n' };
});

test.after.each(async (ctx) => {
  await removeDir(ctx.dir);
});

test('placed as real files under <shared>/lucky', async (ctx) => {
  const lucky = join(ctx.shared, 'lucky');
  await placeClientKit(ctx.kit, lucky);
  assert.is(await readFile(join(lucky, 'runtime', 'node'), 'utf8'), 'the charm side node\n');
  assert.is(((await lstat(join(lucky, 'bin', 'lucky'))).mode & 0o777).toString(8), '755');
  assert.ok((await readFile(join(lucky, 'kit.json'), 'utf8')).includes('runtime/node'));
});

test('a symlinked lucky/, runtime/ or bin/ is replaced, not written through', async (ctx) => {
  const lucky = join(ctx.shared, 'lucky');
  await mkdir(lucky);
  await symlink(ctx.outside, join(lucky, 'runtime'));
  await symlink(ctx.outside, join(lucky, 'bin'));
  await placeClientKit(ctx.kit, lucky);
  assert.equal(await readdir(ctx.outside), []);
  assert.ok((await lstat(join(lucky, 'runtime'))).isDirectory());
  assert.ok((await lstat(join(lucky, 'bin'))).isDirectory());

  const other = join(ctx.dir, 'shared2');
  await mkdir(other);
  await symlink(ctx.outside, join(other, 'lucky'));
  await placeClientKit(ctx.kit, join(other, 'lucky'));
  assert.equal(await readdir(ctx.outside), []);
  assert.ok((await lstat(join(other, 'lucky'))).isDirectory());
});

test('symlinked files (the wrapper, the manifest, the binary) are replaced, their targets untouched', async (ctx) => {
  const lucky = join(ctx.shared, 'lucky');
  await placeClientKit(ctx.kit, lucky);
  const victim = join(ctx.outside, 'victim');
  await writeFile(victim, 'charm side file\n');
  for (const file of ['bin/lucky', 'kit.json', 'runtime/node']) {
    const path = join(lucky, ...file.split('/'));
    await rm(path);
    await symlink(victim, path);
  }
  await placeClientKit(ctx.kit, lucky);
  assert.is(await readFile(victim, 'utf8'), 'charm side file\n');
  for (const file of ['bin/lucky', 'kit.json', 'runtime/node']) assert.ok((await lstat(join(lucky, ...file.split('/')))).isFile(), file);
  assert.is(await readFile(join(lucky, 'runtime', 'node'), 'utf8'), 'the charm side node\n');
});

test('the kit carries every file the CLI entry loads by a relative path, whatever the call (require or a helper)', async (ctx) => {
  const cli = join(ctx.dir, 'cli');
  await mkdir(join(cli, 'bin'), { recursive: true });
  await mkdir(join(cli, 'dist', 'bundle'), { recursive: true });
  const entry = join(cli, 'bin', 'lucky.cjs');
  // As packages/cli/bin/lucky.cjs loads its bundles: through a function, and one of them a plain require.
  await writeFile(entry, "function load(b) { return require(b); }\nload('../dist/bundle/fast.cjs').run();\nrequire('../dist/bundle/full.cjs');\n");
  await writeFile(join(cli, 'dist', 'bundle', 'fast.cjs'), "exports.run = () => require('./shared.cjs');\n");
  await writeFile(join(cli, 'dist', 'bundle', 'full.cjs'), '');
  await writeFile(join(cli, 'dist', 'bundle', 'shared.cjs'), '');
  const kit = await describeClientKit({ nodePath: process.execPath, cliPath: entry });
  assert.equal(
    kit.files.map((file) => file.target).filter((target) => target.startsWith('cli/')),
    ['cli/bin/lucky.cjs', 'cli/dist/bundle/full.cjs', 'cli/dist/bundle/fast.cjs', 'cli/dist/bundle/shared.cjs'],
  );
});

test.run();
