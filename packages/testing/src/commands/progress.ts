import type { HookOutcome, LocalModelListener } from '../runner/local-model.js';

/** How many lines of a failed hook's stderr are shown under it. */
const TAIL_LINES = 5;

/** Whether a hook counts as done well: exit 0, or killed by `juju-reboot --now` (it runs again). */
export function hookSucceeded(outcome: HookOutcome): boolean {
  return outcome.exitCode === 0 || outcome.reboot === 'now';
}

/** One hook's line and, when it failed, the tail of its stderr: what `lucky sim` prints per hook. */
export function outcomeText(outcome: HookOutcome): string {
  const ok = hookSucceeded(outcome);
  const result = outcome.reboot === 'now' ? 'rebooting now (runs again)' : outcome.reboot ? 'ok, rebooted' : ok ? 'ok' : `failed (exit ${outcome.exitCode})`;
  let text = `${outcome.unit.padEnd(12)} ${outcome.hook.padEnd(32)} ${result}\n`;
  if (!ok) for (const line of outcome.stderr.trimEnd().split('\n').slice(-TAIL_LINES)) if (line) text += `${''.padEnd(13)}| ${line}\n`;
  return text;
}

/** One JSON object per hook, for scripts (`--format json`). */
export function outcomeJson(outcome: HookOutcome): string {
  const ok = hookSucceeded(outcome);
  return `${JSON.stringify({
    unit: outcome.unit,
    hook: outcome.hook,
    result: ok ? 'ok' : 'failed',
    exitCode: outcome.exitCode,
    ...(outcome.reboot ? { reboot: outcome.reboot } : {}),
    ...(ok ? {} : { stderrTail: outcome.stderr.trimEnd().split('\n').slice(-TAIL_LINES).filter(Boolean) }),
  })}\n`;
}

/** How a command shows its hooks: a line each, only failures (`--quiet`), or JSON lines. */
export type ProgressMode = 'plain' | 'quiet' | 'json';

/**
 * Streams each hook's result as it finishes, so a long deploy shows its progress
 * (on a terminal and in a pipe alike) instead of printing everything at the end.
 * `shown` counts what was written, so the command's summary does not repeat it.
 */
export class HookProgress {
  private readonly shown = new Map<string, number>();

  private readonly out: NodeJS.WritableStream;
  private readonly mode: ProgressMode;

  constructor(out: NodeJS.WritableStream, mode: ProgressMode) {
    this.out = out;
    this.mode = mode;
  }

  /** The listener to set on the model. */
  listener(): LocalModelListener {
    return { hookFinished: (outcome) => this.write(outcome) };
  }

  write(outcome: HookOutcome): void {
    const key = `${outcome.unit}\0${outcome.hook}`;
    this.shown.set(key, (this.shown.get(key) ?? 0) + 1);
    if (this.mode === 'json') this.out.write(outcomeJson(outcome));
    else if (this.mode === 'plain' || !hookSucceeded(outcome)) this.out.write(outcomeText(outcome));
  }

  /** Writes the outcomes no listener call showed (and counts off those it did). */
  writeRest(outcomes: readonly HookOutcome[]): void {
    for (const outcome of outcomes) {
      const key = `${outcome.unit}\0${outcome.hook}`;
      const count = this.shown.get(key) ?? 0;
      if (count > 0) this.shown.set(key, count - 1);
      else this.write(outcome);
    }
  }
}

/** `--format` of the commands that run hooks. */
export const HOOK_FORMAT_DESCRIPTION = 'plain (a line per hook as it finishes) or json (one JSON object per hook)';
