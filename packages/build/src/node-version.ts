import { ErrorCode, LuckyError } from '@lucky/errors';

/** The oldest Node.js Lucky runs on, as `engines` says (`^20.19.0 || >=22.12.0`). */
export const MIN_NODE_MAJOR = 20;

/** What to do when the registry cannot be reached: the one way to build without it. */
export const OFFLINE_HINT =
  "build with --runtime system to use the machine's Node.js (nothing to download), or check the network and npm's registry setting (npm config get registry)";

/**
 * The Active LTS line on `now`, by Node.js' release schedule: an even major N comes
 * out in April of 2013 + N/2 and becomes Active LTS in late October of that year, until
 * the next even major does. The registry says which versions exist, not which line
 * is LTS, so the schedule decides and the registry then gives the newest release of it.
 */
export function activeLtsMajor(now: Date): number {
  const year = now.getUTCFullYear();
  // Late October: on November 1st the year's release line is LTS.
  const ltsThisYear = now.getUTCMonth() >= 10;
  return (ltsThisYear ? year : year - 1) * 2 - 4026;
}

/**
 * The newest line bundled by default. Node.js 26's Linux binaries need libatomic.so.1,
 * which minimal Debian and Ubuntu machines do not have (the charm's first hook would
 * fail to start Node); 24 is LTS until April 2028. `--node 26` bundles 26, with a warning.
 */
export const NEWEST_DEFAULT_MAJOR = 24;

/** The lines whose binaries need libatomic.so.1 on the machine (see `NEWEST_DEFAULT_MAJOR`). */
export function needsLibatomic(major: number): boolean {
  return major > NEWEST_DEFAULT_MAJOR;
}

/** The line bundled without --node: the Active LTS line, no newer than `NEWEST_DEFAULT_MAJOR`. */
export function defaultNodeMajor(now: Date): number {
  return Math.min(activeLtsMajor(now), NEWEST_DEFAULT_MAJOR);
}

/** `x.y.z` releases only (no pre-releases), newest first. */
export function releases(versions: readonly string[]): string[] {
  return versions.filter((version) => /^\d+\.\d+\.\d+$/.test(version)).sort((a, b) => compareVersions(b, a));
}

export function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

export function majorOf(version: string): number {
  return Number(version.split('.')[0]);
}

/** `--node <major>`: a whole number, and a line Lucky runs on. */
export function parseNodeMajor(text: string): number {
  if (!/^\d+$/.test(text.trim())) {
    throw new LuckyError(ErrorCode.InvalidArgument, `Invalid --node "${text}": expected a major version of Node.js, such as 24.`);
  }
  const major = Number(text);
  if (major < MIN_NODE_MAJOR) {
    throw new LuckyError(ErrorCode.InvalidArgument, `--node ${major}: Lucky needs Node.js ${MIN_NODE_MAJOR} or later; choose --node 22 or newer.`);
  }
  return major;
}

/**
 * The release of `major` to bundle: the newest on the registry. When asked for no
 * major, of the default line (see `defaultNodeMajor`), or of the newest even line
 * before it that the registry has (a mirror may lag).
 */
export function pickNodeVersion(available: readonly string[], major: number | undefined, now: Date): string {
  const all = releases(available);
  const of = (line: number) => all.find((version) => majorOf(version) === line);
  if (major !== undefined) {
    const found = of(major);
    if (found) return found;
    const lines = [...new Set(all.map(majorOf))].filter((line) => line >= MIN_NODE_MAJOR).sort((a, b) => a - b);
    throw new LuckyError(ErrorCode.InvalidArgument, `--node ${major}: the npm registry has no Node.js ${major} release; it has ${lines.join(', ')}.`);
  }
  for (let line = defaultNodeMajor(now); line >= MIN_NODE_MAJOR; line -= 2) {
    const found = of(line);
    if (found) return found;
  }
  throw new LuckyError(ErrorCode.BuildFailed, `The npm registry has no Node.js LTS release of ${MIN_NODE_MAJOR} or later to bundle; ${OFFLINE_HINT}.`);
}
