import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeDir, tempDir } from '@lucky/test-utils';

interface Ctx {
  out: string;
  server: Server;
  base: string;
  schemaCheck: { exitCode?: number | undefined; all?: string | undefined };
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const test = suite<Ctx>('the docs site: built by VitePress (dead links fail it), served, and rendered by headless Chromium');

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

test.before(async (ctx) => {
  ctx.out = await tempDir('lucky-docs-');
  // The committed copy in @lucky/cli must be what the valibot schema gives, before it is rewritten.
  ctx.schemaCheck = await execa('node', ['scripts/docs-schema.mjs', '--check'], { cwd: ROOT, reject: false, all: true });
  await execa('node', ['scripts/docs-schema.mjs'], { cwd: ROOT });
  await execa('node', ['scripts/docs-cli.mjs'], { cwd: ROOT });
  await execa(join(ROOT, 'node_modules/.bin/vitepress'), ['build', 'docs', '--outDir', ctx.out], { cwd: ROOT, env: { CI: 'true' } });
  // A small static server, as a web host would serve the built site.
  ctx.server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(ctx.out, path.endsWith('/') ? `${path}index.html` : path);
    readFile(file).then(
      (body) => {
        response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        response.end(body);
      },
      () => {
        response.writeHead(404);
        response.end('not found');
      },
    );
  });
  await new Promise<void>((resolve) => ctx.server.listen(0, '127.0.0.1', resolve));
  ctx.base = `http://127.0.0.1:${(ctx.server.address() as AddressInfo).port}`;
});

test.after(async (ctx) => {
  await new Promise((resolve) => ctx.server?.close(resolve));
  if (ctx.out) await removeDir(ctx.out);
});

test('the tutorial page renders in headless Chromium with its heading, nav bar and sidebar', async (ctx) => {
  const profile = await tempDir('lucky-chromium-');
  try {
    // --no-sandbox: the tests run as root, where Chromium's sandbox cannot start.
    const { stdout } = await execa(
      'chromium',
      ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${profile}`, '--dump-dom', `${ctx.base}/tutorial.html`],
      {
        timeout: 120_000,
      },
    );
    assert.match(stdout, /<h1[^>]*>Tutorial: from nothing to a charm in the simulator/);
    // The nav bar and the sidebar, rendered by the theme's client code.
    assert.match(stdout, /class="VPNav"/);
    assert.match(stdout, /class="VPSidebar/);
    for (const link of [
      '/guides/containers.html',
      '/guides/relations.html',
      '/guides/leadership.html',
      '/guides/actions.html',
      '/guides/secrets.html',
      '/guides/cron.html',
      '/guides/kubernetes.html',
      '/guides/testing.html',
      '/guides/plugins.html',
      '/reference/lucky-yaml.html',
      '/reference/cli.html',
      '/migration.html',
    ]) {
      assert.ok(stdout.includes(`href="${link}"`), `no link to ${link} in the rendered page`);
    }
    assert.match(stdout, /<h2[^>]*>5\. Deploy, relate, configure/);
  } finally {
    await removeDir(profile);
  }
});

test('the CLI reference lists the built-in, sim and charm commands, with options and examples', async (ctx) => {
  const response = await fetch(`${ctx.base}/reference/cli.html`);
  assert.is(response.status, 200);
  const html = await response.text();
  for (const command of ['lucky kv get', 'lucky container env set', 'lucky sim deploy', 'lucky charm build', 'lucky secret add']) {
    assert.ok(html.includes(`>${command}`), `no section for ${command}`);
  }
  assert.ok(html.includes('--runtime &lt;runtime&gt;'), 'the options of lucky charm build are missing');
  assert.not.match(html, / #\d+\b/, 'placeholders read as names, never #0');
});

test('lucky.schema.json is served, and the copy in @lucky/cli is the same, generated from the valibot schema', async (ctx) => {
  assert.is(ctx.schemaCheck.exitCode, 0, ctx.schemaCheck.all);
  const response = await fetch(`${ctx.base}/lucky.schema.json`);
  assert.is(response.status, 200);
  const served = await response.text();
  assert.is(readFileSync(join(ROOT, 'packages/cli/lucky.schema.json'), 'utf8'), served);
  const schema = JSON.parse(served) as {
    properties: Record<string, { items?: unknown; additionalProperties?: { items?: { oneOf?: Array<{ title: string }> } } }>;
  };
  assert.equal(Object.keys(schema.properties).sort(), ['actions', 'cron-jobs', 'hook-timeout', 'hooks', 'plugins', 'runtime', 'use-docker']);
  assert.equal(
    schema.properties.hooks?.additionalProperties?.items?.oneOf?.map((kind) => kind.title),
    ['host-script', 'inline-host-script', 'container-script', 'inline-container-script'],
  );
  const packageFiles = (JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')) as { files: string[] }).files;
  assert.ok(packageFiles.includes('lucky.schema.json'), '@lucky/cli does not ship lucky.schema.json');
  for (const template of ['template', 'template-k8s', 'template-httpreq-provider']) {
    const first = readFileSync(join(ROOT, 'templates/create-lucky-charm', template, 'lucky.yaml'), 'utf8').split('\n')[0];
    assert.is(first, '# yaml-language-server: $schema=./node_modules/@lucky/cli/lucky.schema.json');
  }
});

test.run();
