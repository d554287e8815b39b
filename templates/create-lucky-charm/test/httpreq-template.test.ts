import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execa } from 'execa';
import { parse } from 'yaml';
import { charmHooks, templateFiles } from '../src/index.js';
import { create, listFiles, LUCKY_CJS, removeDir, tempDir } from './support.js';

interface Ctx {
  cwd: string;
  dir: string;
}

const test = suite<Ctx>('create-lucky-charm --template httpreq-provider: the httpreq DNS-01 provider charm');

test.before(async (ctx) => {
  ctx.cwd = await tempDir('httpreq');
  ctx.dir = join(ctx.cwd, 'dns');
});

test.after(async (ctx) => {
  await removeDir(ctx.cwd);
});

test('scaffolds the charm: the httpreq container and its image resource, the config, the four actions, their stubs', async (ctx) => {
  const result = await create(ctx.cwd, ['dns', '--yes', '--no-git', '--template', 'httpreq-provider', '--summary', 'DNS-01 for lego']);
  assert.is(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, 'npx lucky sim deploy . -n 2 --resource httpreq-image=lucky-httpreq-provider:0.1.0');
  const metadata = parse(await readFile(join(ctx.dir, 'metadata.yaml'), 'utf8')) as Record<string, unknown>;
  assert.is(metadata.name, 'dns');
  assert.is(metadata.summary, 'DNS-01 for lego');
  assert.equal(metadata.containers, { httpreq: { resource: 'httpreq-image' } });
  assert.equal(metadata.peers, { replicas: { interface: 'httpreq_provider_replicas' } });
  const config = parse(await readFile(join(ctx.dir, 'config.yaml'), 'utf8')) as { options: Record<string, { type: string }> };
  assert.equal(
    Object.entries(config.options).map(([name, option]) => [name, option.type]),
    [
      ['git-repo', 'string'],
      ['git-ssh-key', 'secret'],
    ],
  );
  const actions = parse(await readFile(join(ctx.dir, 'actions.yaml'), 'utf8')) as Record<string, { params: Record<string, unknown>; required: string[] }>;
  assert.equal(Object.keys(actions), ['create-user', 'allow-domains', 'revoke-domains', 'list-domains']);
  assert.equal(Object.keys(actions['allow-domains']!.params), ['username', 'domains', 'subdomains']);
  for (const action of Object.values(actions)) assert.equal(action.required, ['username']);
  const lucky = parse(await readFile(join(ctx.dir, 'lucky.yaml'), 'utf8')) as {
    runtime: string;
    hooks: Record<string, unknown>;
    actions: Record<string, unknown>;
  };
  assert.is(lucky.runtime, 'pebble');
  assert.equal(Object.keys(lucky.actions), Object.keys(actions));

  const { hooks } = charmHooks(metadata as { name: string });
  const template = (await templateFiles('httpreq-provider')).map((path) => (path === '_gitignore' ? '.gitignore' : path));
  const stubs = [...hooks.map((hook) => `hooks/${hook}`), ...Object.keys(actions).map((action) => `actions/${action}`)];
  assert.equal(await listFiles(ctx.dir), [...template, 'dispatch', ...stubs].sort());
  assert.is((await stat(join(ctx.dir, 'container_scripts', 'setup-workload.sh'))).mode & 0o777, 0o755);
  for (const file of await listFiles(ctx.dir)) assert.not.match(await readFile(join(ctx.dir, file), 'utf8'), '{{', file);
});

test('its scripts parse: host scripts with bash, container scripts with POSIX sh (the image has busybox sh, no bash)', async (ctx) => {
  for (const file of await listFiles(ctx.dir)) {
    if (file.startsWith('host_scripts/') || file === 'bin/functions.sh') await execa('bash', ['-n', join(ctx.dir, file)]);
    if (file.startsWith('container_scripts/')) await execa('sh', ['-n', join(ctx.dir, file)]);
  }
});

test('lucky charm build --strict builds it without a warning', async (ctx) => {
  const build = await execa(process.execPath, [LUCKY_CJS, 'charm', 'build', '--strict'], { cwd: ctx.dir, reject: false });
  assert.is(build.exitCode, 0, `${build.stdout}\n${build.stderr}`);
  assert.not.match(build.stderr, 'Warning');
  assert.ok((await stat(join(ctx.dir, 'build', 'dns.charm'))).size > 0);
});

test.run();
