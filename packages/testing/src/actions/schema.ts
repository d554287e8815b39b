/**
 * Actions in the simulated model. A running action's hook context carries its
 * name, id and params (`HookContextState.action`); what its tools report lives in
 * `actions/<id>.json` until it ends, because Juju reports action results and logs
 * whatever the action's exit code: they must outlive the context. Each finished
 * run is one line of `action-log.jsonl`.
 */
import type { HookOutcome } from '../runner/types.js';

/** A running action, as its hook context carries it (JUJU_ACTION_NAME, JUJU_ACTION_UUID). */
export interface ActionContextState {
  name: string;
  /** The task id (`juju run` prints "task <id>"); JUJU_ACTION_UUID. */
  id: string;
  /** The validated params with the schema defaults: what `action-get` prints. */
  params: Record<string, unknown>;
}

/** One `action-log` message. */
export interface ActionLogEntry {
  /** ISO 8601. */
  timestamp: string;
  message: string;
}

/** What the action's tools reported so far. */
export interface ActionReport {
  /** `action-set` results, nested by their dotted keys; all values strings. */
  results: Record<string, unknown>;
  /** `action-fail` was called. */
  failed: boolean;
  /** The `action-fail` message. */
  message: string;
  logs: ActionLogEntry[];
}

/** A finished action, as `action-log.jsonl` keeps it. */
export interface ActionRun {
  /** Task id; the operation id is the one before it (`Running operation 1 with 1 task`, `task 2`). */
  id: string;
  operation: string;
  unit: string;
  name: string;
  params: Record<string, unknown>;
  status: 'completed' | 'failed';
  message: string;
  /** `action-set` results (stdout, stderr and return-code are separate fields). */
  results: Record<string, unknown>;
  logs: ActionLogEntry[];
  stdout: string;
  stderr: string;
  /** The exit code of the action's process (`return-code`). */
  exitCode: number;
  /** The hook context it ran in (its run in hook-log.jsonl has the same). */
  contextId: string;
  enqueued: string;
  started: string;
  completed: string;
}

/** What `LocalModel.runAction` resolves with: the action's run and the hooks its changes triggered. */
export interface ActionResult extends ActionRun {
  readonly hooks: readonly HookOutcome[];
}
