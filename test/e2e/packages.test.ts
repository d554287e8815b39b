import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeDir, tempDir } from '@lucky/test-utils';

/**
 * The packages as a user gets them: packed with `pnpm pack` (which turns `workspace:`
 * and `catalog:` into versions), installed with npm into projects outside the
 * workspace (third-party dependencies from the registry), then a charm scaffolded,
 * developed with its README's commands, built and deployed in the simulator.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGE_DIRS = ['packages', 'plugins', 'templates'].flatMap((group) =>
  readdirSync(join(ROOT, group))
    .map((name) => join(ROOT, group, name))
    .filter((dir) => {
      try {
        return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private !== true;
      } catch {
        return false;
      }
    }),
);

interface Manifest {
  name: string;
  version: string;
  license?: string;
  repository?: unknown;
  homepage?: string;
  bugs?: unknown;
  exports: Record<string, string | { types?: string }>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** npm without its notices, and nothing from the user's own npm settings that could change what is installed. */
const NPM_ENV = {
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
  npm_config_loglevel: 'error',
};

async function run(command: string, args: readonly string[], cwd: string, timeout = 300_000): Promise<string> {
  const result = await execa(command, args, { cwd, reject: false, stdin: 'ignore', all: true, env: NPM_ENV, timeout });
  assert.is(result.exitCode, 0, `${command} ${args.join(' ')} (in ${cwd}) failed:\n${String(result.all)}`);
  return String(result.stdout);
}

/** A line of a README's shell block run as written, through sh, like a user pasting it. */
async function runLine(line: string, cwd: string): Promise<string> {
  return run('/bin/sh', ['-c', line], cwd);
}

/** The commands of the ```sh block under `heading`, without their comments. */
function shellBlock(readme: string, heading: string): string[] {
  const at = readme.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `README has no "${heading}" section`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(block, `README's "${heading}" has no sh block`);
  return (block[1] ?? '')
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '');
}

const test = suite('packed packages');
let work = '';
let tarballs: string[] = [];
const manifests = new Map<string, Manifest>();

test.before(async () => {
  work = await tempDir('lucky-packages-');
  await mkdir(join(work, 'tgz'));
  for (const dir of PACKAGE_DIRS) await run('pnpm', ['pack', '--pack-destination', join(work, 'tgz')], dir);
  tarballs = readdirSync(join(work, 'tgz'))
    .filter((name) => name.endsWith('.tgz'))
    .map((name) => join(work, 'tgz', name));
  for (const tarball of tarballs) {
    const manifest = JSON.parse(await run('tar', ['-xzOf', tarball, 'package/package.json'], work)) as Manifest;
    manifests.set(manifest.name, manifest);
  }
});

test.after(async () => {
  if (work) await removeDir(work);
});

test('every package is packed, with LICENSE, CHANGELOG.md and README.md, and versions instead of workspace specifiers', async () => {
  assert.is(tarballs.length, PACKAGE_DIRS.length);
  for (const tarball of tarballs) {
    const files = (await run('tar', ['-tzf', tarball], work)).split('\n');
    for (const file of ['package/LICENSE', 'package/CHANGELOG.md', 'package/README.md', 'package/package.json']) {
      assert.ok(files.includes(file), `${tarball} has no ${file}`);
    }
    const license = await run('tar', ['-xzOf', tarball, 'package/LICENSE'], work);
    assert.match(license, /^MIT License\n\nCopyright \(c\) \d{4} Lucky for TypeScript contributors\n/);
  }
  for (const manifest of manifests.values()) {
    assert.is(manifest.license, 'MIT', manifest.name);
    assert.not.match(JSON.stringify(manifest), /workspace:|catalog:|example\.invalid/, manifest.name);
  }
});

test('plugins peer-depend on @lucky/core; packages whose types import dockerode depend on @types/dockerode', () => {
  for (const manifest of manifests.values()) {
    if (!manifest.name.startsWith('@lucky/plugin-')) continue;
    assert.is(manifest.peerDependencies?.['@lucky/core'], `^${manifest.version}`, manifest.name);
    assert.is(manifest.dependencies?.['@lucky/core'], undefined, manifest.name);
  }
  for (const name of ['@lucky/plugin-docker', '@lucky/testing']) assert.ok(manifests.get(name)?.dependencies?.['@types/dockerode'], name);
});

test('installed with npm, every exported entry point type-checks for a user with skipLibCheck: false', async () => {
  const project = join(work, 'consumer');
  await mkdir(project);
  await writeFile(join(project, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true, type: 'module' })}\n`);
  await run('npm', ['install', ...tarballs, 'typescript@~5.9.3', '@types/node@20'], project);
  const imports: string[] = [];
  for (const manifest of manifests.values()) {
    for (const [path, target] of Object.entries(manifest.exports)) {
      if (typeof target !== 'object' || !target.types) continue;
      imports.push(`export * as m${imports.length} from '${manifest.name}${path.slice(1)}';`);
    }
  }
  assert.ok(imports.length >= manifests.size);
  await writeFile(join(project, 'index.ts'), `${imports.join('\n')}\n`);
  const compilerOptions = {
    strict: true,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    noEmit: true,
    skipLibCheck: false,
    types: ['node'],
  };
  await writeFile(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['index.ts'] }));
  await run('npm', ['exec', '--no', '--', 'tsc', '-p', '.'], project);

  // The same project scaffolds the charm the next test develops, as `npm create lucky-charm` would.
  await run('npm', ['exec', '--no', '--', 'create-lucky-charm', join(work, 'my-charm'), '--yes', '--no-git'], project);
});

test("the scaffolded charm: its README's commands in order, then built and deployed in the simulator", async () => {
  const charm = join(work, 'my-charm');
  const manifest = JSON.parse(await readFile(join(charm, 'package.json'), 'utf8')) as Manifest;
  assert.is(manifest.devDependencies?.['@lucky/cli'], `^${manifests.get('@lucky/cli')?.version}`);
  const readme = await readFile(join(charm, 'README.md'), 'utf8');
  const develop = shellBlock(readme, '## Develop');
  assert.is(develop[0], 'npm install', 'the first step installs the lucky command');
  // The packages are not on the registry yet: the tarballs stand in for it in `npm install`.
  await run('npm', ['install', '--save-dev', ...tarballs], charm);
  const outputs = new Map<string, string>();
  for (const line of develop.slice(1)) outputs.set(line, await runLine(line, charm));
  assert.match(outputs.get('npx lucky sim status') ?? '', /my-charm\/0\*\s+active/);
  assert.ok(develop.includes('npm test'));

  const build = shellBlock(readme, '## Build and deploy');
  assert.is(build[0], 'npm run build');
  // The machine's Node.js: a bundled one is fetched from the registry, which charm-build.test.ts covers.
  const built = await runLine('npm run build -- --runtime system', charm);
  assert.match(built, /Built .*my-charm\.charm/);
  await runLine('npx lucky sim deploy ./build/my-charm', charm);
  const status = await runLine('npx lucky sim status', charm);
  assert.match(status, /my-charm\/0\*\s+active\s+idle\s+\d+\s+127\.0\.1\.\d+\s+8080\/tcp\s+Serving on port 8080/);
  await runLine('npx lucky sim destroy', charm);
});

test.run();
