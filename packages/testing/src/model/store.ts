// Synchronous on purpose: these files are small and local, and every hook and tool call
// reads and writes several of them. Node's fs/promises costs about ten times the CPU of
// the synchronous call for a small file (a file handle and thread-pool round trips per
// step), which made file I/O most of the simulator's own work per hook.
import { appendFileSync, mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '@lucky/core/system';
import { withFileLock, type LockOptions } from './lock.js';
import { unitTag } from './names.js';
import type { HookContextState, HookRun, LogEntry, ModelState } from './schema.js';

/**
 * Modes of everything the simulator writes under a model directory: hook logs,
 * contexts and model.json hold the charm's config, relation data and every hook's
 * environment (secrets included), so they are the user's alone.
 */
export const MODEL_FILE_MODE = 0o600;
export const MODEL_DIR_MODE = 0o700;

/** File locations inside a model directory (see schema.ts for the layout). */
export function modelPaths(dir: string) {
  return {
    model: join(dir, 'model.json'),
    lock: join(dir, 'model.lock'),
    contexts: join(dir, 'contexts'),
    logs: join(dir, 'logs'),
    tools: join(dir, 'tools'),
    hookLog: join(dir, 'hook-log.jsonl'),
  };
}

export function contextPath(dir: string, contextId: string): string {
  return join(modelPaths(dir).contexts, `${encodeURIComponent(contextId)}.json`);
}

export function logPath(dir: string, unit: string): string {
  return join(modelPaths(dir).logs, `${unitTag(unit)}.jsonl`);
}

/** Readers never see a half-written file. Atomic, but not fsynced: a hook context lives as long as its hook (model.json is fsynced, see writeModel). Mode 0600. */
export async function writeModelFile(path: string, data: string): Promise<void> {
  writeFileAtomicSync(path, data, { durable: false, mode: MODEL_FILE_MODE });
}

/** mkdir -p with mode 0700 for every directory it creates. */
export async function makeModelDir(path: string): Promise<void> {
  mkdirSync(path, { recursive: true, mode: MODEL_DIR_MODE });
}

export async function withModelLock<T>(dir: string, fn: () => Promise<T>, options?: LockOptions): Promise<T> {
  return withFileLock(modelPaths(dir).lock, fn, options);
}

export async function readModel(dir: string): Promise<ModelState> {
  return JSON.parse(readFileSync(modelPaths(dir).model, 'utf8')) as ModelState;
}

/**
 * The committed model is written durably (fsynced, then renamed): a tool's change is on
 * disk before the tool's caller hears of it, whatever happens to the process that wrote
 * it (the model server) or the machine afterwards.
 */
export async function writeModel(dir: string, model: ModelState): Promise<void> {
  writeFileAtomicSync(modelPaths(dir).model, `${JSON.stringify(model, null, 2)}\n`, { durable: true, mode: MODEL_FILE_MODE });
}

/** Read-modify-write of model.json under the model lock. */
export async function updateModel<T>(dir: string, fn: (model: ModelState) => T | Promise<T>): Promise<T> {
  return withModelLock(dir, async () => {
    const model = await readModel(dir);
    const result = await fn(model);
    await writeModel(dir, model);
    return result;
  });
}

export async function readContext(dir: string, contextId: string): Promise<HookContextState | null> {
  try {
    return JSON.parse(readFileSync(contextPath(dir, contextId), 'utf8')) as HookContextState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export async function writeContext(dir: string, context: HookContextState): Promise<void> {
  await writeModelFile(contextPath(dir, context.id), `${JSON.stringify(context, null, 2)}\n`);
}

export async function removeContext(dir: string, contextId: string): Promise<void> {
  try {
    unlinkSync(contextPath(dir, contextId));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

export async function listContexts(dir: string): Promise<HookContextState[]> {
  let names: string[];
  try {
    names = readdirSync(modelPaths(dir).contexts);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const contexts: HookContextState[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const context = await readContext(dir, decodeURIComponent(name.slice(0, -'.json'.length)));
    if (context) contexts.push(context);
  }
  return contexts;
}

export async function appendLog(dir: string, unit: string, entries: readonly LogEntry[]): Promise<void> {
  await makeModelDir(modelPaths(dir).logs);
  appendFileSync(logPath(dir, unit), entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''), { mode: MODEL_FILE_MODE });
}

export async function readLogs(dir: string, unit: string): Promise<LogEntry[]> {
  return readJsonLines<LogEntry>(logPath(dir, unit));
}

export async function appendHookRun(dir: string, run: HookRun): Promise<void> {
  appendFileSync(modelPaths(dir).hookLog, `${JSON.stringify(run)}\n`, { mode: MODEL_FILE_MODE });
}

export async function readHookRuns(dir: string): Promise<HookRun[]> {
  return readJsonLines<HookRun>(modelPaths(dir).hookLog);
}

/** The records of a JSON-lines file ([] when it does not exist yet). */
export async function readJsonLines<T>(path: string): Promise<T[]> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);
}
