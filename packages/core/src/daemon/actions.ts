/**
 * Juju actions in the daemon: which entries an `actions/<name>` dispatch runs, and
 * the message a failed action reports.
 *
 * Why a failed action is reported with `action-fail` and the dispatch then exits 0:
 * Juju fails an action whose process exits non-zero, but replaces the message with
 * the exit error ("exit status 1"), dropping whatever `action-fail` said. Reported
 * through `action-fail` and ended with exit 0, the action is still `failed`, and
 * `juju run` shows the script's own reason. Changes the scripts made (relation data,
 * ports) are then committed, as for an ops charm that calls `event.fail()`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { LuckyError } from '../errors.js';
import type { LuckyConfig, ScriptEntry } from '../config/schema.js';
import type { ActionInfo } from '../plugin.js';

/** The action a dispatch runs, from the hook environment Juju gives actions (JUJU_ACTION_NAME/_UUID). */
export function actionInfo(name: string, env: Readonly<Record<string, string>>): ActionInfo {
  return { name: env.JUJU_ACTION_NAME || name, uuid: env.JUJU_ACTION_UUID ?? '' };
}

/**
 * Why an action cannot run: it has no `actions:` entry. It then fails as Juju fails
 * an action the charm does not implement, naming where to add it.
 */
export function missingAction(config: LuckyConfig, name: string, unit: string): string | undefined {
  if (Object.hasOwn(config.actions, name)) return undefined;
  const hint = Object.hasOwn(config.hooks, name) ? ' (it is listed under "hooks:"; actions go under "actions:")' : '';
  return `action not implemented on unit "${unit}": lucky.yaml has no "actions:" entry for "${name}"${hint}`;
}

/** The `actions:` entries of an action ([] when it has none; see missingAction). */
export function actionEntries(config: LuckyConfig, name: string): readonly ScriptEntry[] {
  return (Object.hasOwn(config.actions, name) ? config.actions[name] : undefined) ?? [];
}

/** Keeps the last non-empty line a run's scripts wrote to stderr: the likeliest reason it failed. */
export class LastErrorLine {
  private pending = '';
  private last: string | undefined;

  observe(stream: 'stdout' | 'stderr', data: string): void {
    if (stream !== 'stderr') return;
    const lines = (this.pending + data).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') this.last = line.trim();
  }

  get line(): string | undefined {
    return this.pending.trim() !== '' ? this.pending.trim() : this.last;
  }
}

/** The failed action's message: the error, and the last line its scripts wrote to stderr when there is one. */
export function actionFailureMessage(error: LuckyError, lastLine: string | undefined): string {
  if (lastLine === undefined || error.message.includes(lastLine)) return error.message;
  return `${error.message}: ${lastLine}`;
}

/** Action names the charm declares: actions.yaml, else charmcraft.yaml's `actions:`; undefined when neither can be read. */
function declaredActions(charmDir: string): Set<string> | undefined {
  for (const [file, pick] of [
    ['actions.yaml', (data: unknown) => data],
    ['charmcraft.yaml', (data: unknown) => (isMapping(data) ? data.actions : undefined)],
  ] as const) {
    let text: string;
    try {
      text = readFileSync(join(charmDir, file), 'utf8');
    } catch {
      continue;
    }
    try {
      const actions: unknown = pick(parse(text, { uniqueKeys: false })); // Juju's go-yaml v2 keeps a repeated key's last value
      if (file === 'charmcraft.yaml' && actions === undefined) continue;
      return new Set(isMapping(actions) ? Object.keys(actions) : []);
    } catch {
      return undefined;
    }
  }
  return new Set();
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The warnings for `actions:` entries of lucky.yaml that the charm does not declare
 * in actions.yaml: Juju never runs them (the build refuses such a charm; a charm
 * run from its source directory gets these warnings).
 */
export function undeclaredActionWarnings(charmDir: string, config: LuckyConfig): string[] {
  const names = Object.keys(config.actions);
  if (names.length === 0) return [];
  const declared = declaredActions(charmDir);
  if (declared === undefined) return [];
  return names
    .filter((name) => !declared.has(name))
    .map(
      (name) =>
        `lucky.yaml lists the action "${name}" under "actions:", but actions.yaml does not declare it, so Juju never runs it; declare it in actions.yaml or remove it.`,
    );
}
