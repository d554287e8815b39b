import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { charmHooks, templateFiles } from '../src/index.js';
import { create, listFiles, removeDir, tempDir } from './support.js';

interface Ctx {
  cwd: string;
}

const test = suite<Ctx>('create-lucky-charm --template k8s: a Kubernetes sidecar charm');

test.before.each(async (ctx) => {
  ctx.cwd = await tempDir('k8s');
});

test.after.each(async (ctx) => {
  await removeDir(ctx.cwd);
});

test('writes the k8s template, rendered, with the stubs of its container hooks', async (ctx) => {
  const result = await create(ctx.cwd, ['side', '--yes', '--no-git', '--template', 'k8s', '--summary', 'Serves a page']);
  assert.is(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, 'npx lucky sim deploy . --resource web-image=busybox:stable');
  assert.match(result.stdout, 'juju deploy ./build/side.charm --resource web-image=busybox:stable');
  const dir = join(ctx.cwd, 'side');
  const metadata = parse(await readFile(join(dir, 'metadata.yaml'), 'utf8')) as Record<string, unknown>;
  assert.equal(metadata.containers, { web: { resource: 'web-image' } });
  assert.equal((metadata.resources as Record<string, { type: string }>)['web-image']?.type, 'oci-image');
  assert.is(metadata.summary, 'Serves a page');
  const lucky = parse(await readFile(join(dir, 'lucky.yaml'), 'utf8')) as { runtime: string; hooks: Record<string, unknown> };
  assert.is(lucky.runtime, 'pebble');
  assert.ok(lucky.hooks['web-pebble-ready'], 'a pebble-ready entry');
  const { hooks } = charmHooks(metadata as { name: string });
  const files = await listFiles(dir);
  const template = (await templateFiles('k8s')).map((path) => (path === '_gitignore' ? '.gitignore' : path));
  assert.equal(files, [...template, 'dispatch', ...hooks.map((hook) => `hooks/${hook}`)].sort());
  for (const hook of ['web-pebble-ready', 'web-pebble-custom-notice', 'web-pebble-check-failed', 'web-pebble-check-recovered']) {
    assert.ok(files.includes(`hooks/${hook}`), hook);
  }
  assert.is((await stat(join(dir, 'host_scripts', 'configure.sh'))).mode & 0o777, 0o755);
  assert.not.match(await readFile(join(dir, 'tests', 'charm.test.mjs'), 'utf8'), '{{');
});

test('the default template stays the default; an unknown template is a usage error', async (ctx) => {
  const plain = await create(ctx.cwd, ['plain', '--yes', '--no-git']);
  assert.is(plain.exitCode, 0, plain.stderr);
  const metadata = parse(await readFile(join(ctx.cwd, 'plain', 'metadata.yaml'), 'utf8')) as Record<string, unknown>;
  assert.is(metadata.containers, undefined);
  const unknown = await create(ctx.cwd, ['other', '--yes', '--no-git', '--template', 'podman']);
  assert.is(unknown.exitCode, 2);
  assert.is(unknown.stderr, 'Error: Unknown --template "podman": expected default, k8s or httpreq-provider.\n');
  assert.is(
    await stat(join(ctx.cwd, 'other')).then(
      () => 'exists',
      () => 'absent',
    ),
    'absent',
  );
});

test('template-k8s is a sibling of template in the package (shipped by "files")', async () => {
  const pkg = JSON.parse(await readFile(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { files: string[] };
  assert.ok(pkg.files.includes('template-k8s'));
});

test.run();
