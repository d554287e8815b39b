/** How `lucky sim log` shows a finished action in place of its hook run. */
import { formatValue, type GoValue } from '../tools/format.js';
import type { ActionRun } from './schema.js';

export async function actionLogLines(run: ActionRun): Promise<string> {
  const lines = [`${run.unit} action ${run.name} (task ${run.id}): ${run.status}${run.message !== '' ? `: ${run.message}` : ''} (exit ${run.exitCode})`];
  if (Object.keys(run.params).length > 0) lines.push(`  params| ${JSON.stringify(run.params)}`);
  if (Object.keys(run.results).length > 0) {
    for (const line of (await formatValue('yaml', run.results as GoValue)).trimEnd().split('\n')) lines.push(`  result| ${line}`);
  }
  for (const entry of run.logs) lines.push(`  log| ${entry.timestamp.slice(11, 19)} ${entry.message}`);
  return `${lines.join('\n')}\n`;
}
