import { existsSync } from 'node:fs';
import { cp, readdir, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { LUCKY_BIN, removeDir, tempDir } from '@lucky/test-utils';
import { median, ms, report, timed } from './stats.js';

const CREATE = fileURLToPath(new URL('../../templates/create-lucky-charm/bin/create-lucky-charm.js', import.meta.url));
const DEMO = fileURLToPath(new URL('../fixtures/lucky-demo/', import.meta.url));
const RUNS = 3;

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await treeBytes(path) : (await stat(path)).size;
  }
  return total;
}

async function build(charm: string, out: string, args: readonly string[], env: Record<string, string> = {}): Promise<void> {
  await execa(process.execPath, [LUCKY_BIN, 'charm', 'build', charm, '-o', out, ...args], { env: { ...process.env, ...env }, stdin: 'ignore' });
}

/**
 * Issue 5: build time and output size of the template charm (lucky-demo when the
 * template package is missing), with the bundled runtime for this machine's
 * architecture and with `--runtime system`. Node.js is fetched by a warm-up build;
 * the timed builds find it in the cache, as every build after a machine's first does.
 */
export async function benchBuild(): Promise<void> {
  const dir = await tempDir('lucky-bench-build-');
  try {
    let charm = DEMO;
    let name = 'lucky-demo';
    if (existsSync(CREATE)) {
      charm = join(dir, 'bench-charm');
      name = 'bench-charm';
      await execa(process.execPath, [CREATE, charm, '--yes'], { stdin: 'ignore' });
    }
    const label = name === 'bench-charm' ? 'template charm' : 'lucky-demo charm';
    const out = join(dir, 'out');
    await build(charm, out, []);

    // Bundled last: its output is the one the launcher figure below runs.
    for (const [runtime, args] of [
      ['--runtime system', ['--runtime', 'system']],
      ['bundled runtime', []],
    ] as const) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) times.push(await timed(() => build(charm, out, args)));
      const charmFile = (await stat(join(out, `${name}.charm`))).size;
      const tree = await treeBytes(join(out, name));
      report(`build the ${label}, ${runtime}`, `${seconds(median(times))}; .charm ${mb(charmFile)}, directory ${mb(tree)}`);
    }

    // What a script on a unit pays per `lucky` call: the launcher, the charm's Node and the one-file runtime.
    const launcher = join(out, name, 'lucky', 'bin', 'lucky');
    const calls: number[] = [];
    const workspace: number[] = [];
    for (let i = 0; i < 15; i++) {
      calls.push(await timed(() => execa(launcher, ['--version'], { stdin: 'ignore' })));
      workspace.push(await timed(() => execa(process.execPath, [LUCKY_BIN, '--version'], { stdin: 'ignore' })));
    }
    report("`lucky --version` through a built charm's launcher", ms(median(calls)));
    report('`lucky --version` of the workspace (client bundle)', ms(median(workspace)));

    // The first build with a Node.js version deflates its 100 MB binary; later ones reuse that.
    const cache = join(dir, 'cache');
    const cached = join(process.env.LUCKY_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'lucky'), 'node');
    const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
    // The version the builds above bundled (the Active LTS line's newest), as its binary says.
    const bundled = (await execa(join(out, name, 'lucky', `node-${process.arch === 'arm64' ? 'arm64' : 'amd64'}`, 'bin', 'node'), ['--version'])).stdout.slice(
      1,
    );
    const runtimeDir = `node-linux-${arch}-${bundled}`;
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await rm(cache, { recursive: true, force: true });
      for (const file of ['bin/node', 'LICENSE']) await cp(join(cached, runtimeDir, file), join(cache, 'node', runtimeDir, file));
      times.push(await timed(() => build(charm, out, [], { LUCKY_CACHE_DIR: cache })));
    }
    report(`build the ${label}, bundled, Node.js deflated anew`, seconds(median(times)));
  } finally {
    await removeDir(dir);
  }
}
