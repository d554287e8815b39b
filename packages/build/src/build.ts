import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ErrorCode, LuckyError } from '@lucky/errors';
import { DOCKER_RUNTIME } from '@lucky/core';
import { assembleCharm, type RuntimeFiles } from './assemble.js';
import { collectCharmFiles } from './charm-files.js';
import { loadHookStubs } from './hook-stubs.js';
import { ARCHITECTURES, type Architecture, type RuntimeKind } from './launcher.js';
import { machineArchitecture, nodeCacheDir, nodeRuntime, resolveNodeVersion } from './node-runtime.js';
import { bytesDone, Progress, type ProgressStream } from './progress.js';
import { NEWEST_DEFAULT_MAJOR, needsLibatomic } from './node-version.js';
import { loadJujuIgnore } from './jujuignore.js';
import { pluginPackages } from './plugin-packages.js';
import { runtimeBundle } from './runtime-bundle.js';
import { CharmInvalid, validateCharm } from './validate.js';
import { writeZip } from './zip-writer.js';

/** The runtimes the Lucky runtime carries (@lucky/cli's builtin-runtimes.ts): never loaded from the charm's node_modules. */
const BUILTIN_RUNTIME_NAMES: ReadonlySet<string> = new Set([DOCKER_RUNTIME, 'pebble']);

export interface BuildOptions {
  /** The charm directory, as the user wrote it. */
  readonly dir: string;
  /** Where `<name>/` and `<name>.charm` go; default `<dir>/build`. */
  readonly output?: string | undefined;
  /** Default: the build machine's (bundled runtime), every supported one (system runtime). */
  readonly architectures?: readonly Architecture[] | undefined;
  readonly runtime: RuntimeKind;
  /** `--node <major>`: the Node.js line to bundle; default the Active LTS line (bundled runtime only). */
  readonly node?: number | undefined;
  /** `--strict`: every warning of the check (repeated keys, coerced defaults, hooks that never fire) fails the build. */
  readonly strict?: boolean | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly stderr: ProgressStream;
}

export interface BuildResult {
  readonly name: string;
  readonly charmDir: string;
  readonly charmFile: string;
  readonly bytes: number;
  readonly architectures: readonly Architecture[];
  readonly nodeVersion: string | undefined;
}

/** Zip timestamps and file times: SOURCE_DATE_EPOCH when set (reproducible-builds.org), else the zip format's first day. */
export function buildTime(env: NodeJS.ProcessEnv): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== '') {
    if (!/^\d+$/.test(epoch)) throw new LuckyError(ErrorCode.InvalidArgument, `SOURCE_DATE_EPOCH must be a number of seconds, not "${epoch}".`);
    return new Date(Math.max(Number(epoch), 315532800) * 1000);
  }
  return new Date(Date.UTC(1980, 0, 1));
}

/**
 * `lucky charm build`: checks the charm, then writes `<out>/<name>/` and
 * `<out>/<name>.charm` in a temporary directory beside them and renames both into
 * place, so a failed build leaves the previous output as it was.
 */
export async function buildCharm(options: BuildOptions): Promise<BuildResult> {
  const progress = new Progress(options.stderr);
  const mtime = buildTime(options.env);
  const stubs = await loadHookStubs();
  const charm = await progress.step(`Checking the charm in ${options.dir}`, () => validateCharm(options.dir, stubs));
  if (options.strict && charm.warnings.length > 0) throw new CharmInvalid(charm.warnings.map((warning) => `${warning} (--strict)`));
  for (const warning of charm.warnings) progress.note(`Warning: ${warning}`);

  const architectures = chooseArchitectures(options);
  const out = resolve(options.output ?? join(charm.root, 'build'));
  // Before anything is fetched or written: a link out of the charm fails the build here.
  const inside = relative(charm.root, out);
  const leaveOut = new Set<string>(inside === '' ? [charm.name] : inside.startsWith('..') || isAbsolute(inside) ? [] : [inside.split('\\').join('/')]);
  // Plugins, and a runtime Lucky does not carry, load from the charm's own node_modules.
  const fromCharm = [...charm.lucky.plugins, ...(charm.lucky.runtime ? [charm.lucky.runtime] : [])].map((entry) => entry.specifier);
  const plugins = await pluginPackages(charm.root, [...new Set(fromCharm.filter((specifier) => !BUILTIN_RUNTIME_NAMES.has(specifier)))]);
  if (plugins.problems.length > 0) throw new CharmInvalid(plugins.problems);
  const ignored = await loadJujuIgnore(charm.root);
  const files = await collectCharmFiles(charm.root, { leaveOut, modules: plugins.dirs, ignored }, (message) => progress.note(`Warning: ${message}`));
  const { path: bundle } = await progress.step('Preparing the Lucky runtime bundle', runtimeBundle);
  const nodeVersion =
    options.runtime === 'bundled'
      ? await progress.step(`Choosing Node.js ${options.node ?? `(the Active LTS line, at most ${NEWEST_DEFAULT_MAJOR})`}`, () =>
          resolveNodeVersion(architectures[0] ?? 'amd64', options.node),
        )
      : undefined;
  if (nodeVersion && needsLibatomic(Number(nodeVersion.split('.')[0]))) {
    progress.note(
      `Warning: Node.js ${nodeVersion} needs libatomic.so.1 on the machine, which minimal Debian and Ubuntu images lack (apt install libatomic1); --node ${NEWEST_DEFAULT_MAJOR} does not`,
    );
  }
  const nodes = new Map<Architecture, string>();
  if (nodeVersion) {
    const cache = nodeCacheDir(options.env);
    for (const arch of architectures) {
      const title = `Getting Node.js ${nodeVersion} for ${arch}`;
      nodes.set(arch, await progress.step(title, () => nodeRuntime(arch, nodeVersion, cache, (done, total) => progress.detail(bytesDone(done, total)))));
    }
  }
  const runtime: RuntimeFiles = { kind: options.runtime, architectures, bundle, nodes };

  await mkdir(out, { recursive: true });
  const staging = await mkdtemp(join(out, `.${charm.name}.building-`));
  const charmDir = join(out, charm.name);
  const charmFile = join(out, `${charm.name}.charm`);
  try {
    const built = join(staging, charm.name);
    const entries = await progress.step(`Writing ${relativeToCwd(charmDir)}/`, () => assembleCharm(built, charm, files, runtime, stubs, mtime));
    await progress.step(`Writing ${relativeToCwd(charmFile)}`, () => writeZip(join(staging, `${charm.name}.charm`), entries, mtime));
    await replace(built, charmDir, join(staging, 'previous'));
    await rename(join(staging, `${charm.name}.charm`), charmFile);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { name: charm.name, charmDir, charmFile, bytes: (await stat(charmFile)).size, architectures, nodeVersion };
}

function chooseArchitectures(options: BuildOptions): Architecture[] {
  if (options.architectures && options.architectures.length > 0) return [...new Set(options.architectures)].sort();
  // The system runtime carries nothing architecture-specific.
  if (options.runtime === 'system') return [...ARCHITECTURES];
  const machine = machineArchitecture();
  if (!machine) {
    throw new LuckyError(
      ErrorCode.InvalidArgument,
      `This machine (${process.arch}) is not one Lucky builds charms for; choose with --arch ${ARCHITECTURES.join(',')}.`,
    );
  }
  return [machine];
}

/** Moves `from` to `to`, first moving what is at `to` aside to `aside` (and back, if the move fails). */
async function replace(from: string, to: string, aside: string): Promise<void> {
  const had = existsSync(to);
  if (had) await rename(to, aside);
  try {
    await rename(from, to);
  } catch (error) {
    if (had) await rename(aside, to);
    throw error;
  }
}

function relativeToCwd(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
