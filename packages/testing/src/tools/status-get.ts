import { applicationUnits } from '../model/relations.js';
import type { StatusEntry } from '../model/schema.js';
import { currentApplication, currentUnit, isLeader } from './context.js';
import { checkEmpty, runtimeError } from './errors.js';
import type { GoValue } from './format.js';
import { boolOption, outputFormat, outputOptions, writeOutput, type ToolDefinition } from './tool.js';

function details(entry: StatusEntry, includeData: boolean): Record<string, GoValue> {
  return includeData ? { message: entry.message, status: entry.status, 'status-data': {} } : { status: entry.status };
}

export const tool: ToolDefinition = {
  name: 'status-get',
  args: '[--include-data] [--application]',
  purpose: 'Print status information.',
  options: () => [...outputOptions(), boolOption('include-data'), boolOption('application')],
  async run(context, parsed) {
    checkEmpty(parsed.args);
    const includeData = parsed.bool('include-data');
    const bare = !includeData && outputFormat(parsed) === 'smart';
    if (!parsed.bool('application')) {
      const status = currentUnit(context).status;
      await writeOutput(context, parsed, bare ? status.status : details(status, includeData));
      return;
    }
    if (!isLeader(context)) runtimeError('finding application status: this unit is not the leader');
    const app = currentApplication(context);
    if (bare) {
      await writeOutput(context, parsed, app.status.status);
      return;
    }
    const units: Record<string, GoValue> = {};
    for (const name of applicationUnits(context.model, context.appName)) {
      const unit = context.model.units[name];
      if (unit) units[name] = details(unit.status, includeData);
    }
    await writeOutput(context, parsed, { 'application-status': { ...details(app.status, includeData), units } });
  },
};
