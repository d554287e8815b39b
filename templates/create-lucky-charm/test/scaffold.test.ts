import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { charmHooks, VERSION as SOURCE_VERSION } from '../src/index.js';
import { create, listFiles, removeDir, tempDir, TEMPLATE } from './support.js';

interface Ctx {
  cwd: string;
}

const test = suite<Ctx>('create-lucky-charm: scaffolding through the bin');

test.before.each(async (ctx) => {
  ctx.cwd = await tempDir('scaffold');
});

test.after.each(async (ctx) => {
  await removeDir(ctx.cwd);
});

const VERSION = (JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

test('VERSION is the version in package.json', () => {
  assert.is(SOURCE_VERSION, VERSION);
});

/** The files a new charm must have: the template's (dotfiles renamed) plus the stubs of its metadata and actions. */
async function expectedFiles(): Promise<string[]> {
  const renames: Record<string, string> = { _gitignore: '.gitignore' };
  const template = (await listFiles(TEMPLATE)).map((path) => {
    const parts = path.split('/');
    const last = parts.pop() ?? '';
    return [...parts, renames[last] ?? last].join('/');
  });
  const { hooks, actions } = charmHooks(
    {
      name: 'x',
      provides: { website: {} },
      requires: { database: {} },
      peers: { cluster: {} },
    },
    ['refresh'],
  );
  return [...template, 'dispatch', ...hooks.map((h) => `hooks/${h}`), ...actions.map((a) => `actions/${a}`)].sort();
}

async function yamlOf(path: string): Promise<Record<string, unknown>> {
  return parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}

/** No `{{…}}` may survive rendering. */
async function assertRendered(dir: string): Promise<void> {
  for (const file of await listFiles(dir)) {
    assert.not.match(await readFile(join(dir, file), 'utf8'), /\{\{|\}\}/, `${file} still has a placeholder`);
  }
}

test('--yes: the template with BLD-02 defaults, stubs, modes, a git repository and next steps', async ({ cwd }) => {
  const result = await create(cwd, ['My Web App', '--yes']);
  assert.is(result.exitCode, 0, result.stderr);
  assert.is(result.stderr, '');
  const dir = join(cwd, 'My Web App');
  assert.equal(await listFiles(dir), await expectedFiles());
  await assertRendered(dir);

  const metadata = await yamlOf(join(dir, 'metadata.yaml'));
  assert.is(metadata.name, 'my-web-app');
  assert.is(metadata['display-name'], 'My Web App');
  assert.is(metadata.summary, 'A short summary of my app.');
  assert.is(metadata.maintainer, 'John Doe <johndoe@emailprovider.com>');
  assert.match(String(metadata.description), /^A short summary of my app\.\n/);
  assert.equal(metadata.peers, { cluster: { interface: 'my-web-app-cluster' } });

  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name: string; scripts: unknown; devDependencies: unknown };
  assert.is(pkg.name, 'my-web-app');
  assert.equal(pkg.scripts, { build: 'lucky charm build', test: 'node --test tests/' });
  assert.equal(pkg.devDependencies, { '@lucky/cli': `^${VERSION}`, '@lucky/testing': `^${VERSION}` });
  assert.match(await readFile(join(dir, 'icon.svg'), 'utf8'), '>M</text>');
  assert.match(await readFile(join(dir, 'README.md'), 'utf8'), /^# My Web App\n\nA short summary of my app\.\n/);
  assert.match(await readFile(join(dir, '.gitignore'), 'utf8'), /^build\/$/m);
  assert.match(await readFile(join(dir, '.gitignore'), 'utf8'), /^\.lucky-sim\/$/m);

  for (const script of [
    'host_scripts/install.sh',
    'host_scripts/configure.sh',
    'host_scripts/relation.sh',
    'container_scripts/write-page.sh',
    'dispatch',
    'hooks/install',
  ]) {
    assert.is((await stat(join(dir, script))).mode & 0o777, 0o755, script);
  }
  assert.is((await stat(join(dir, 'lucky.yaml'))).mode & 0o777, 0o644);
  assert.ok(existsSync(join(dir, '.git', 'HEAD')), 'git init ran');

  assert.match(result.stdout, `Created My Web App (my-web-app) in ${dir}.\n`);
  assert.match(result.stdout, 'Initialised a git repository.\n');
  assert.match(result.stdout, "Next steps:\n  cd 'My Web App'\n  npm install");
  assert.match(result.stdout, 'npx lucky sim deploy .');
  assert.match(result.stdout, 'npm run build');
  assert.match(result.stdout, 'juju deploy ./build/my-web-app.charm');
  assert.not.match(result.stdout, 'Display name [');
});

test('lucky.yaml shows every script kind and works without Docker', async ({ cwd }) => {
  assert.is((await create(cwd, ['c', '--yes', '--no-git'])).exitCode, 0);
  const lucky = await yamlOf(join(cwd, 'c', 'lucky.yaml'));
  assert.is(lucky['use-docker'], false);
  const entries = Object.values(lucky.hooks as Record<string, Array<Record<string, unknown>>>).flat();
  const kinds = new Set(entries.map((entry) => Object.keys(entry).find((key) => key.endsWith('script'))));
  assert.equal([...kinds].sort(), ['container-script', 'host-script', 'inline-container-script', 'inline-host-script']);
  assert.ok(
    entries.some((entry) => entry.async === true),
    'an async entry',
  );
  assert.ok(
    entries.some((entry) => entry['host-script'] && Array.isArray(entry.args)),
    'a host script with args',
  );
  for (const entry of entries.filter((e) => e['container-script'] || e['inline-container-script'])) {
    assert.is(entry['ignore-missing-container'], true);
    assert.is(entry['container-name'], 'web');
  }
  const cron = Object.keys(lucky['cron-jobs'] as Record<string, unknown>);
  assert.equal(
    cron.map((expression) => expression.split(/\s+/).length),
    [6],
  );
  // Every script lucky.yaml names exists.
  for (const entry of entries) {
    if (typeof entry['host-script'] === 'string') assert.ok(existsSync(join(cwd, 'c', 'host_scripts', entry['host-script'])), entry['host-script']);
    if (typeof entry['container-script'] === 'string') assert.ok(existsSync(join(cwd, 'c', 'container_scripts', entry['container-script'])));
  }
});

test('flags: every value given, in a directory that does not exist yet, without git', async ({ cwd }) => {
  const result = await create(cwd, [
    'nested/dir',
    '--name',
    'shop-2',
    '--display-name',
    'Shop: "Two"',
    '--summary',
    'Sells things: cheaply #1',
    '--maintainer',
    'Ada <ada@example.com>',
    '--no-git',
  ]);
  assert.is(result.exitCode, 0, result.stderr);
  const dir = join(cwd, 'nested', 'dir');
  const metadata = await yamlOf(join(dir, 'metadata.yaml'));
  assert.equal(
    [metadata.name, metadata['display-name'], metadata.summary, metadata.maintainer],
    ['shop-2', 'Shop: "Two"', 'Sells things: cheaply #1', 'Ada <ada@example.com>'],
  );
  assert.is(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')).description, 'Sells things: cheaply #1');
  assert.match(await readFile(join(dir, 'README.md'), 'utf8'), '# Shop: "Two"\n');
  assert.not.ok(existsSync(join(dir, '.git')));
  assert.not.match(result.stdout, 'git');
  assert.match(result.stdout, 'cd nested/dir\n');
});

test('without a directory: ./<charm name>; pnpm gets pnpm commands', async ({ cwd }) => {
  const result = await create(cwd, ['--name', 'solo', '--no-git'], undefined, { npm_config_user_agent: 'pnpm/10.34.8 npm/? node/v20.20.2 linux x64' });
  assert.is(result.exitCode, 0, result.stderr);
  assert.is((await yamlOf(join(cwd, 'solo', 'metadata.yaml')))['display-name'], 'solo');
  assert.match(result.stdout, 'cd solo\n  pnpm install');
  assert.match(result.stdout, 'pnpm lucky sim deploy .');
  assert.match(result.stdout, 'pnpm build');
});

test('a directory that is not empty is refused, and nothing is written; --force writes into it', async ({ cwd }) => {
  const dir = join(cwd, 'busy');
  await mkdir(dir);
  await writeFile(join(dir, 'keep.txt'), 'mine\n');
  const refused = await create(cwd, ['busy', '--yes']);
  assert.is(refused.exitCode, 1);
  assert.is(refused.stderr, `Error: ${dir} is not empty; choose a new directory, or pass --force to write the charm into it.\n`);
  assert.equal(await listFiles(dir), ['keep.txt']);

  const forced = await create(cwd, ['busy', '--yes', '--force', '--no-git']);
  assert.is(forced.exitCode, 0, forced.stderr);
  assert.ok(existsSync(join(dir, 'lucky.yaml')));
  assert.is(await readFile(join(dir, 'keep.txt'), 'utf8'), 'mine\n');
});

test('a file as target is refused', async ({ cwd }) => {
  await writeFile(join(cwd, 'file'), '');
  const result = await create(cwd, ['file', '--yes', '--force']);
  assert.is(result.exitCode, 1);
  assert.is(result.stderr, `Error: ${join(cwd, 'file')} exists and is not a directory.\n`);
});

test('bad charm names are usage errors (exit 2), given or derived, and write nothing', async ({ cwd }) => {
  for (const name of ['My-Charm', '2fast', 'trailing-', 'double--hyphen', 'under_score']) {
    const result = await create(cwd, ['out', '--name', name, '--yes']);
    assert.is(result.exitCode, 2, name);
    assert.is(
      result.stderr,
      `Error: Invalid charm name ${JSON.stringify(name)}: use lowercase letters, digits and single hyphens, starting with a letter (e.g. my-charm).\n`,
    );
  }
  const derived = await create(cwd, ['2048', '--yes']);
  assert.is(derived.exitCode, 2);
  assert.match(derived.stderr, /^Error: Invalid charm name "2048": .* It was derived from "2048"; give a name with --name\.\n$/);
  assert.equal(await listFiles(cwd), []);
});

test('other usage errors: unknown option, empty or multi-line values, --yes with --interactive', async ({ cwd }) => {
  const unknown = await create(cwd, ['x', '--colour']);
  assert.is(unknown.exitCode, 2);
  assert.is(unknown.stderr, 'Error: Unknown option --colour. Run "create-lucky-charm --help" for the options.\n');
  const extra = await create(cwd, ['my', 'charm', '--yes']);
  assert.is(extra.exitCode, 2);
  assert.is(extra.stderr, 'Error: Too many arguments: charm (quote an argument that holds spaces). Run "create-lucky-charm --help" for the options.\n');
  assert.equal(await create(cwd, ['x', '--summary', '']), { exitCode: 2, stdout: '', stderr: 'Error: --summary is empty.\n' });
  assert.equal(await create(cwd, ['x', '--maintainer', 'a\nb']), { exitCode: 2, stdout: '', stderr: 'Error: --maintainer must be one line of text.\n' });
  assert.equal(await create(cwd, ['x', '--yes', '--interactive']), {
    exitCode: 2,
    stdout: '',
    stderr: 'Error: --yes and --interactive contradict each other; give one.\n',
  });
  assert.equal(await listFiles(cwd), []);
});

test('--help and --version', async ({ cwd }) => {
  const help = await create(cwd, ['--help']);
  assert.is(help.exitCode, 0);
  assert.match(help.stdout, '$ create-lucky-charm [dir]');
  for (const option of ['--name', '--display-name', '--summary', '--maintainer', '--yes', '--interactive', '--force', '--no-git'])
    assert.match(help.stdout, option);
  assert.is((await create(cwd, ['somewhere', '--help'])).stdout, help.stdout);
  assert.equal(await create(cwd, ['--version']), { exitCode: 0, stdout: `${VERSION}\n`, stderr: '' });
});

test.run();
