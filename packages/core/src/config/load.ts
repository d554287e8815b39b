import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { ErrorCode, LuckyError } from '../errors.js';
import { parseCron } from './cron.js';
import { formatKeyPath, positionOf, type KeyPath } from './positions.js';
import { LuckyFileSchema, SCRIPT_KINDS, type LuckyConfig, type PluginEntry, type ScriptEntry, type ScriptKind } from './schema.js';

/** The runtime `use-docker: true` (Lucky's default) stands for. */
export const DOCKER_RUNTIME = 'docker';

/** Where a charm keeps the files its entries name. */
const SCRIPT_DIRS: Readonly<Record<ScriptKind, string | undefined>> = {
  'host-script': 'host_scripts',
  'container-script': 'container_scripts',
  'inline-host-script': undefined,
  'inline-container-script': undefined,
};

/** `lucky.yaml`, else `lucky.yml` (YAML-01). */
export function findLuckyFile(charmDir: string): string {
  for (const name of ['lucky.yaml', 'lucky.yml']) {
    const file = join(charmDir, name);
    if (existsSync(file)) return file;
  }
  throw new LuckyError(
    ErrorCode.ConfigInvalid,
    `No lucky.yaml in the charm directory ${charmDir}; create one with a "hooks:" map (see the charm template).`,
  );
}

/** Reads and validates the charm's `lucky.yaml`. */
export function loadLuckyConfig(charmDir: string): LuckyConfig {
  const file = findLuckyFile(charmDir);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new LuckyError(ErrorCode.ConfigInvalid, `Could not read ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parseLuckyConfig(source, file, charmDir);
}

interface Issue {
  readonly path: KeyPath;
  readonly message: string;
  readonly atKey?: boolean;
}

/**
 * Validates `lucky.yaml` text. Every problem is collected and reported in one
 * `LuckyError`, one line each: `file:line:col: key.path: what is wrong`.
 */
export function parseLuckyConfig(source: string, file: string, charmDir: string): LuckyConfig {
  const counter = new LineCounter();
  const doc = parseDocument(source, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // Only the first syntax error: the parser's later ones are mostly echoes of it.
    const error = doc.errors[0]!;
    const pos = counter.linePos(error.pos[0]);
    throw configError(file, [`${file}:${pos.line}:${pos.col}: (yaml): ${error.message.split('\n')[0]}`]);
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) {
    throw configError(file, [`${file}:1:1: (root): the file is empty; it needs at least a "hooks:" map of hook names to script entries`]);
  }
  const top = v.safeParse(LuckyFileSchema, data);
  if (!top.success) {
    throw configError(file, top.issues.map((issue) => render(doc, counter, file, toIssue(issue))));
  }
  const issues: Issue[] = [];
  const hooks: Record<string, ScriptEntry[]> = {};
  for (const [hook, list] of Object.entries(top.output.hooks ?? {})) {
    hooks[hook] = (list ?? []).flatMap((raw, index) => checkEntry(raw, ['hooks', hook, index], charmDir, issues));
  }
  const cronJobs: Array<{ schedule: string; entries: ScriptEntry[] }> = [];
  for (const [schedule, list] of Object.entries(top.output['cron-jobs'] ?? {})) {
    try {
      parseCron(schedule);
    } catch (error) {
      issues.push({ path: ['cron-jobs', schedule], message: `bad cron expression "${schedule}": ${(error as Error).message}`, atKey: true });
    }
    cronJobs.push({ schedule, entries: (list ?? []).flatMap((raw, index) => checkEntry(raw, ['cron-jobs', schedule, index], charmDir, issues)) });
  }
  const runtime = selectRuntime(top.output, Object.hasOwn(data as object, 'use-docker'), issues);
  if (issues.length > 0) throw configError(file, issues.map((issue) => render(doc, counter, file, issue)));
  return { file, runtime, hooks, cronJobs, plugins: top.output.plugins.map(pluginEntry) };
}

function pluginEntry(entry: string | readonly [string, Record<string, unknown>]): PluginEntry {
  return typeof entry === 'string' ? { specifier: entry, options: undefined } : { specifier: entry[0], options: entry[1] };
}

/**
 * Exactly one runtime serves a unit: `runtime:` names it; without it, Lucky's
 * `use-docker` (default true) means Docker or none. Both set and disagreeing is an error.
 */
function selectRuntime(top: v.InferOutput<typeof LuckyFileSchema>, useDockerGiven: boolean, issues: Issue[]): PluginEntry | undefined {
  const useDocker = top['use-docker'];
  if (top.runtime === undefined) return useDocker ? { specifier: DOCKER_RUNTIME, options: undefined } : undefined;
  const runtime = pluginEntry(top.runtime);
  if (useDockerGiven && !useDocker) {
    issues.push({ path: ['runtime'], message: `"use-docker: false" says this charm manages no containers, but "runtime: ${runtime.specifier}" selects a container runtime; remove one of them` });
  } else if (useDockerGiven && runtime.specifier !== DOCKER_RUNTIME) {
    issues.push({ path: ['runtime'], message: `"use-docker: true" selects the docker runtime, but "runtime: ${runtime.specifier}" selects another; a unit has exactly one runtime, so remove "use-docker"` });
  }
  return runtime;
}

function checkEntry(raw: unknown, path: KeyPath, charmDir: string, issues: Issue[]): ScriptEntry[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    issues.push({ path, message: `a script entry must be a mapping with one of ${Object.keys(SCRIPT_KINDS).join(', ')}` });
    return [];
  }
  const kinds = (Object.keys(SCRIPT_KINDS) as ScriptKind[]).filter((kind) => kind in raw);
  if (kinds.length !== 1) {
    issues.push({
      path,
      message:
        kinds.length === 0
          ? `a script entry needs exactly one of ${Object.keys(SCRIPT_KINDS).join(', ')}; found keys ${Object.keys(raw).join(', ') || 'none'}`
          : `a script entry may have only one of ${kinds.join(', ')}`,
    });
    return [];
  }
  const kind = kinds[0] as ScriptKind;
  const result = v.safeParse(SCRIPT_KINDS[kind], raw);
  if (!result.success) {
    for (const issue of result.issues) {
      const local = toIssue(issue, kind);
      issues.push({ ...local, path: [...path, ...local.path] });
    }
    return [];
  }
  const dir = SCRIPT_DIRS[kind];
  const name = (raw as Record<string, unknown>)[kind];
  if (dir && typeof name === 'string') {
    const scriptPath = join(charmDir, dir, name);
    if (!existsSync(scriptPath) || !statSync(scriptPath).isFile()) {
      issues.push({ path: [...path, kind], message: `the script ${join(dir, name)} does not exist in the charm directory` });
    }
  }
  return [{ kind, spec: result.output } as ScriptEntry];
}

function toIssue(issue: v.BaseIssue<unknown>, kind?: ScriptKind): Issue {
  const path = (issue.path ?? []).map((item) => item.key as string | number);
  if (issue.kind === 'schema' && issue.expected === 'never') {
    const key = String(path[path.length - 1]);
    const allowed = kind ? Object.keys(SCRIPT_KINDS[kind].entries).join(', ') : Object.keys(LuckyFileSchema.entries).join(', ');
    return { path, message: `unknown key "${key}"; allowed here: ${allowed}`, atKey: true };
  }
  return { path, message: issue.message };
}

function render(doc: Document, counter: LineCounter, file: string, issue: Issue): string {
  const pos = positionOf(doc, counter, issue.path, issue.atKey ?? false);
  return `${file}:${pos.line}:${pos.col}: ${formatKeyPath(issue.path)}: ${issue.message}`;
}

function configError(file: string, lines: string[]): LuckyError {
  const message = lines.length === 1 ? (lines[0] as string) : `${file} has ${lines.length} problems:\n${lines.join('\n')}`;
  return new LuckyError(ErrorCode.ConfigInvalid, message, { data: { file, issues: lines } });
}
