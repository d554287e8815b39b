import { randomBytes } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { hookEnvironment } from './hook-env.js';
import type { ActionContextState } from './actions/schema.js';
import { rebootRequest, recordHookProcess } from './hook-reboot.js';
import { selectWorkload, type WorkloadHookOptions } from './kubernetes/hook-context.js';
import { selectSecret, type SecretHookOptions } from './secrets/hook-context.js';
import { CommitError, commitContext } from './model/commit.js';
import { isProcessRunning } from '@lucky/core/system';
import { unitApplication } from './model/names.js';
import { localEndpoint, relationsOf, remoteApplication } from './model/relations.js';
import type { HookContextState, HookRun, ModelState } from './model/schema.js';
import { createStorageDirectories, storageNameOf, unitStorageIds } from './model/storage.js';
import { settleStartStatus } from './model/unit-status.js';
import { ensureModelServer } from './server/start.js';
import {
  appendHookRun,
  listContexts,
  modelPaths,
  readContext,
  readModel,
  removeContext,
  updateModel,
  withModelLock,
  writeContext,
  writeModel,
} from './model/store.js';

/** Which relation a relation hook is about, and who is on the other side. */
export interface RelationHookOptions {
  /** Defaults to the unit's only relation on the hook's endpoint. */
  readonly relationId?: number;
  /** JUJU_REMOTE_UNIT; required for `-joined` and `-departed`, optional for `-changed` (app data change). */
  readonly remoteUnit?: string;
  /** JUJU_REMOTE_APP; defaults to the application at the other end. */
  readonly remoteApp?: string;
  /** JUJU_DEPARTING_UNIT for `-departed`; defaults to the remote unit. */
  readonly departingUnit?: string;
}

/** What a hook is about: its relation (relation hooks), its storage instance (storage hooks), or its Pebble notice or check (workload hooks). */
export interface HookContextOptions extends RelationHookOptions, WorkloadHookOptions, SecretHookOptions {
  /** JUJU_STORAGE_ID for `<name>-storage-attached`/`-detaching`, e.g. `data/0`; defaults to the unit's only instance of that storage. */
  readonly storageId?: string;
  /** Runs an action instead of a hook: `hook` is its name, its handler `actions/<name>` (actions/run.ts). */
  readonly action?: ActionContextState;
}

export interface RunHookOptions extends HookContextOptions {
  /** Added to (and overriding) the Juju environment. */
  readonly extraEnv?: Readonly<Record<string, string>>;
  readonly onStdout?: (chunk: string) => void;
  readonly onStderr?: (chunk: string) => void;
  /** Kill the hook (SIGTERM) after this long; it then counts as failed. */
  readonly timeoutMs?: number;
}

export interface HookResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly env: Record<string, string>;
  readonly contextId: string;
  /** True when the charm has neither `dispatch` nor `hooks/<name>` (Juju skips the hook). */
  readonly skipped: boolean;
  /**
   * `juju-reboot`: `after-hook` (the hook succeeded, its changes are kept; reboot now), or
   * `now` (the hook was killed and its changes dropped; reboot, then run it again).
   */
  readonly reboot?: 'after-hook' | 'now';
}

export interface HookContextHandle {
  readonly env: Record<string, string>;
  readonly contextId: string;
  /**
   * Ends the context: commit its buffered changes (as after exit 0) or discard them.
   * Rejects, having applied nothing, when the model refuses the changes (storage-add of
   * an undeclared store, or past its maximum), as Juju's commit fails the hook.
   */
  close(commit: boolean): Promise<void>;
}

const RELATION_HOOK = /^(.+)-relation-(created|joined|changed|departed|broken)$/;

interface RelationSelection {
  relationId: number | null;
  remoteUnit: string;
  remoteApp: string;
  departingUnit: string;
}

function selectRelation(model: ModelState, unit: string, hook: string, options: RelationHookOptions): RelationSelection {
  const app = unitApplication(unit);
  const match = RELATION_HOOK.exec(hook);
  if (!match) {
    if (options.relationId !== undefined || options.remoteUnit !== undefined || options.remoteApp !== undefined || options.departingUnit !== undefined) {
      throw new Error(`"${hook}" is not a relation hook; relationId, remoteUnit, remoteApp and departingUnit apply to <endpoint>-relation-* hooks only.`);
    }
    return { relationId: null, remoteUnit: '', remoteApp: '', departingUnit: '' };
  }
  const [, endpoint = '', kind = ''] = match;
  let relation;
  if (options.relationId !== undefined) {
    relation = model.relations[String(options.relationId)];
    if (!relation || localEndpoint(relation, app)?.name !== endpoint) {
      throw new Error(`Relation ${options.relationId} is not a relation of ${app} on endpoint "${endpoint}".`);
    }
  } else {
    const candidates = relationsOf(model, app).filter((r) => localEndpoint(r, app)?.name === endpoint);
    if (candidates.length !== 1) {
      throw new Error(`${app} has ${candidates.length} relations on endpoint "${endpoint}"; pass relationId to runHook/openContext.`);
    }
    relation = candidates[0];
  }
  if (!relation) throw new Error(`No relation for ${hook}.`);
  const remoteApp = options.remoteApp ?? remoteApplication(relation, app);
  const remoteUnit = options.remoteUnit ?? '';
  if (kind === 'created' || kind === 'broken') {
    if (remoteUnit !== '') throw new Error(`${hook} runs without a remote unit (JUJU_REMOTE_UNIT is empty); do not pass remoteUnit.`);
  } else if (remoteUnit === '' && kind !== 'changed') {
    throw new Error(`${hook} needs a remote unit: pass remoteUnit.`);
  }
  if (remoteUnit !== '') {
    if (!model.units[remoteUnit] || unitApplication(remoteUnit) !== remoteApp || remoteUnit === unit) {
      throw new Error(`${remoteUnit} is not a unit of the remote application ${remoteApp} in relation ${relation.id}.`);
    }
  }
  if (options.departingUnit !== undefined && kind !== 'departed') throw new Error(`departingUnit applies to -relation-departed hooks only.`);
  const departingUnit = kind === 'departed' ? (options.departingUnit ?? remoteUnit) : '';
  return { relationId: relation.id, remoteUnit, remoteApp, departingUnit };
}

const STORAGE_HOOK = /^(.+)-storage-(?:attached|detaching)$/;

/** The storage instance of a storage hook (JUJU_STORAGE_ID), or '' for other hooks. */
function selectStorage(model: ModelState, unit: string, hook: string, options: HookContextOptions): string {
  const match = STORAGE_HOOK.exec(hook);
  if (!match) {
    if (options.storageId !== undefined)
      throw new Error(`"${hook}" is not a storage hook; storageId applies to <name>-storage-attached/-detaching hooks only.`);
    return '';
  }
  const name = match[1] ?? '';
  const ids = unitStorageIds(model, unit).filter((id) => storageNameOf(id) === name);
  if (options.storageId !== undefined) {
    if (!ids.includes(options.storageId))
      throw new Error(`${options.storageId} is not "${name}" storage of ${unit} (its "${name}" storage: ${ids.join(', ') || 'none'}).`);
    return options.storageId;
  }
  const [only] = ids;
  if (only === undefined || ids.length > 1) throw new Error(`${unit} has ${ids.length} instances of storage "${name}"; pass storageId to runHook/openContext.`);
  return only;
}

/** Juju 3.x context ids: `<unit>-<hook>-<random int63>`. */
function newContextId(unit: string, hook: string): string {
  const random = randomBytes(8).readBigUInt64BE() & 0x7fffffffffffffffn;
  return `${unit}-${hook}-${random}`;
}

/** Creates the hook context file (one running hook per unit, as in a unit agent). */
export async function openHookContext(
  modelDir: string,
  unit: string,
  hook: string,
  options: HookContextOptions,
): Promise<{ context: HookContextState; env: Record<string, string> }> {
  if (hook === '' || hook.includes('/')) throw new Error(`Invalid hook name ${JSON.stringify(hook)}.`);
  // The hook's tools are thin clients of the model's server: started when none runs (they work without one, slower).
  await ensureModelServer(modelDir);
  return withModelLock(modelDir, async () => {
    const model = await readModel(modelDir);
    if (!model.units[unit]) throw new Error(`Unit ${unit} is not in the model.`);
    for (const running of await listContexts(modelDir)) {
      if (running.unit !== unit) continue;
      // A context left behind by a crashed test process is stale, not running.
      if (!isProcessRunning(running.ownerPid)) {
        await removeContext(modelDir, running.id);
        continue;
      }
      throw new Error(`Unit ${unit} is already running hook "${running.hook}" (context ${running.id}); close it first.`);
    }
    const context: HookContextState = {
      id: newContextId(unit, hook),
      unit,
      hook,
      ...selectRelation(model, unit, hook, options),
      storageId: selectStorage(model, unit, hook, options),
      ...selectWorkload(hook, options),
      ...selectSecret(hook, options),
      ...(options.action ? { action: options.action } : {}),
      ownerPid: process.pid,
      createdAt: new Date().toISOString(),
      pending: { relations: {}, openPorts: {}, closePorts: {}, addStorage: [] },
    };
    await writeContext(modelDir, context);
    return { context, env: hookEnvironment(model, modelDir, modelPaths(modelDir).tools, context) };
  });
}

/**
 * Ends a hook context: commits its buffered changes into the model, or drops them.
 * The context ends either way; a CommitError says the model refused the changes.
 */
export async function closeHookContext(modelDir: string, contextId: string, commit: boolean): Promise<void> {
  await withModelLock(modelDir, async () => {
    const context = await readContext(modelDir, contextId);
    if (!context) return;
    try {
      if (commit) {
        const model = await readModel(modelDir);
        const added = commitContext(model, context, modelDir);
        await createStorageDirectories(model, added);
        await writeModel(modelDir, model);
      }
    } finally {
      await removeContext(modelDir, contextId);
    }
  });
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

/**
 * Runs one hook the way the uniter does: the charm's `dispatch` if it is executable,
 * else `hooks/<hook>`, else the hook is skipped; cwd is the charm directory. Buffered
 * changes are committed when it exits 0 and discarded otherwise.
 */
export async function runHookProcess(modelDir: string, unit: string, hook: string, options: RunHookOptions): Promise<HookResult> {
  const { context, env: jujuEnv } = await openHookContext(modelDir, unit, hook, options);
  const env = { ...jujuEnv, ...options.extraEnv };
  const startedAt = new Date();
  let handler: string | null = null;
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  let committed = false;
  let reboot: HookContextState['reboot'];
  let closeFailure: unknown;
  try {
    const charmDir = env.JUJU_CHARM_DIR ?? '';
    if (isExecutableFile(join(charmDir, 'dispatch'))) handler = 'dispatch';
    else if (isFile(join(charmDir, options.action ? 'actions' : 'hooks', hook))) handler = `${options.action ? 'actions' : 'hooks'}/${hook}`;
    if (handler !== null) {
      const subprocess = execa(join(charmDir, handler), [], {
        cwd: charmDir,
        env,
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
        buffer: false,
        ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
      });
      const outDecoder = new TextDecoder();
      const errDecoder = new TextDecoder();
      subprocess.stdout?.on('data', (chunk: Buffer) => {
        const text = outDecoder.decode(chunk, { stream: true });
        stdout += text;
        if (text !== '') options.onStdout?.(text);
      });
      subprocess.stderr?.on('data', (chunk: Buffer) => {
        const text = errDecoder.decode(chunk, { stream: true });
        stderr += text;
        if (text !== '') options.onStderr?.(text);
      });
      if (subprocess.pid !== undefined) await recordHookProcess(modelDir, context.id, subprocess.pid);
      const result = await subprocess;
      stdout += outDecoder.decode();
      stderr += errDecoder.decode();
      if (result.exitCode !== undefined) {
        exitCode = result.exitCode;
      } else if (result.signal !== undefined) {
        exitCode = 128 + (osConstants.signals[result.signal] ?? 0);
      } else {
        // The hook could not be started (not executable, bad interpreter…).
        exitCode = result.code === 'ENOENT' ? 127 : 126;
        const message = `${result.originalMessage ?? result.shortMessage}\n`;
        stderr += message;
        options.onStderr?.(message);
      }
    }
    reboot = await rebootRequest(modelDir, context.id);
    committed = exitCode === 0;
  } finally {
    try {
      await closeHookContext(modelDir, context.id, committed);
    } catch (error) {
      // Thrown after the run is recorded, unless the hook's own failure is already on its way.
      if (!(error instanceof CommitError)) closeFailure = error;
      else {
        // Juju fails a hook whose changes cannot be committed, whatever its exit code.
        committed = false;
        exitCode = 1;
        const message = `cannot apply changes: ${error.message}\n`;
        stderr += message;
        options.onStderr?.(message);
      }
    }
    const run: HookRun = {
      unit,
      hook,
      contextId: context.id,
      handler,
      env,
      stdout,
      stderr,
      exitCode,
      committed,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
    };
    await withModelLock(modelDir, () => appendHookRun(modelDir, run));
  }
  if (closeFailure !== undefined) throw closeFailure;
  if (committed && hook === 'start') await updateModel(modelDir, (model) => void settleStartStatus(model, unit));
  // A reboot after the hook happens only when it succeeded; --now is honoured whatever the exit.
  const rebootDone = reboot === 'now' || (reboot === 'after-hook' && committed) ? reboot : undefined;
  return { exitCode, stdout, stderr, env, contextId: context.id, skipped: handler === null, ...(rebootDone ? { reboot: rebootDone } : {}) };
}
