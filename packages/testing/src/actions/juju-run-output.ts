/**
 * What `juju run <unit> <action>` prints (Juju 3, cmd/juju/action): progress and
 * `action-log` messages on stderr, then the task in the chosen format on stdout.
 * Plain: a failed action's "Action id N failed: <message>", its results as YAML
 * (without stdout, stderr and return-code), then its stdout and stderr. YAML and
 * JSON: `{<unit>: {id, status, message?, results, log?, timing, unit}}`.
 */
import { formatValue, type GoValue } from '../tools/format.js';
import type { ActionRun } from './schema.js';

export type RunFormat = 'plain' | 'yaml' | 'json';

/** Go's time.Time String() in UTC: `2006-01-02 15:04:05.999999999 +0000 UTC`. */
function goTime(iso: string): string {
  const [date, time = ''] = new Date(iso).toISOString().replace(/Z$/, '').split('T');
  const [clock, fraction = ''] = time.split('.');
  const frac = fraction.replace(/0+$/, '');
  return `${date} ${clock}${frac ? `.${frac}` : ''} +0000 UTC`;
}

/** `15:04:05`, as `juju run` prints an action-log message while it waits. */
function clock(iso: string): string {
  return new Date(iso).toISOString().slice(11, 19);
}

/** What `juju run` prints on stderr before it waits: the operation and its task. */
export function progressHeader(action: { readonly unit: string; readonly operation: string; readonly id: string }): string {
  return `Running operation ${action.operation} with 1 task\n  - task ${action.id} on unit-${action.unit.replace('/', '-')}\n\nWaiting for task ${action.id}...\n\n`;
}

/** One action-log message as `juju run` shows it while it waits: `15:04:05 message`. */
export function progressLog(entry: { readonly timestamp: string; readonly message: string }): string {
  return `${clock(entry.timestamp)} ${entry.message}\n`;
}

/** After the messages, `juju run` sets the results apart with an empty line (two newlines). */
export const PROGRESS_LOG_END = '\n\n';

/** Results as Juju stores them: what action-set gave, plus return-code, and stdout/stderr when not empty. */
function fullResults(run: ActionRun): Record<string, unknown> {
  const results: Record<string, unknown> = { ...run.results, 'return-code': run.exitCode };
  if (run.stdout !== '') results.stdout = run.stdout.replace(/\r\n/g, '\n');
  if (run.stderr !== '') results.stderr = run.stderr.replace(/\r\n/g, '\n');
  return results;
}

/** The task as `--format yaml|json` print it, keyed by unit. */
export function taskDocument(run: ActionRun): Record<string, unknown> {
  const task: Record<string, unknown> = { id: run.id, status: run.status };
  if (run.message !== '') task.message = run.message;
  task.results = fullResults(run);
  if (run.logs.length > 0) task.log = run.logs.map((entry) => `${goTime(entry.timestamp)} ${entry.message}`);
  task.timing = { completed: goTime(run.completed), enqueued: goTime(run.enqueued), started: goTime(run.started) };
  task.unit = run.unit;
  return { [run.unit]: task };
}

/** Go's YAML (go-yaml v2, as cmd.FormatYaml): sorted keys, YAML 1.1 words such as "yes" quoted. JSON likewise is Go's. */
function goYaml(value: Record<string, unknown>): Promise<string> {
  return formatValue('yaml', value as GoValue);
}

/** stdout of `juju run` in a format. */
export async function resultText(run: ActionRun, format: RunFormat): Promise<string> {
  if (format === 'json') return formatValue('json', taskDocument(run) as GoValue);
  if (format === 'yaml') return goYaml(taskDocument(run));
  const shown = Object.keys(run.results).length > 0 ? await goYaml(run.results) : '';
  let text = run.status === 'failed' ? `Action id ${run.id} failed: ${run.message}\n` : '';
  text += `${shown}\n`;
  if (run.stdout !== '') text += `${run.stdout.replace(/^\n+|\n+$/g, '')}\n`;
  if (run.stderr !== '') text += `${run.stderr.replace(/^\n+|\n+$/g, '')}\n`;
  return text;
}

/**
 * The error `juju run` ends with for a failed task. Juju lists tasks whose process
 * exited non-zero; the simulator also fails for an action failed with action-fail,
 * so scripts and CI see every failure in the exit code.
 */
export function failureText(run: ActionRun): string {
  return `ERROR the following task failed:\n - id "${run.id}" with return code ${run.exitCode}\n\nuse 'lucky sim log ${run.unit}' to inspect the failure\n`;
}
