/** Where actions live in a model directory: each running action's report, and the log of finished ones. */
import { appendFile, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_FILE_MODE, makeModelDir, readJsonLines, withModelLock, writeModelFile } from '../model/store.js';
import type { ActionReport, ActionRun } from './schema.js';

export function actionPaths(dir: string) {
  return { reports: join(dir, 'actions'), log: join(dir, 'action-log.jsonl') };
}

function reportPath(dir: string, id: string): string {
  return join(actionPaths(dir).reports, `${encodeURIComponent(id)}.json`);
}

export function emptyReport(): ActionReport {
  return { results: {}, failed: false, message: '', logs: [] };
}

export async function readReport(dir: string, id: string): Promise<ActionReport> {
  try {
    return JSON.parse(await readFile(reportPath(dir, id), 'utf8')) as ActionReport;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyReport();
    throw error;
  }
}

/** Read-modify-write of a running action's report under the model lock (tools run concurrently). */
export async function updateReport(dir: string, id: string, fn: (report: ActionReport) => void): Promise<void> {
  await withModelLock(dir, async () => {
    const report = await readReport(dir, id);
    fn(report);
    await makeModelDir(actionPaths(dir).reports);
    await writeModelFile(reportPath(dir, id), `${JSON.stringify(report)}\n`);
  });
}

export async function removeReport(dir: string, id: string): Promise<void> {
  await unlink(reportPath(dir, id)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

export async function appendActionRun(dir: string, run: ActionRun): Promise<void> {
  await appendFile(actionPaths(dir).log, `${JSON.stringify(run)}\n`, { mode: MODEL_FILE_MODE });
}

export function readActionRuns(dir: string): Promise<ActionRun[]> {
  return readJsonLines<ActionRun>(actionPaths(dir).log);
}

/**
 * The next operation and task ids. Juju numbers operations and tasks from one
 * sequence: `juju run` on one unit takes two (operation 1, task 2; then 3 and 4).
 */
export async function nextActionIds(dir: string): Promise<{ operation: string; task: string }> {
  const runs = await readActionRuns(dir);
  const last = Math.max(0, ...runs.map((run) => Number(run.id)).filter(Number.isSafeInteger));
  return { operation: String(last + 1), task: String(last + 2) };
}
