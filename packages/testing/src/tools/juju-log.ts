import type { LogEntry } from '../model/schema.js';
import { appendLog, withModelLock } from '../model/store.js';
import { hookRelationKey } from './context.js';
import { usageError } from './errors.js';
import { boolOption, valueOption, warnDeprecatedFormat, type ToolDefinition } from './tool.js';

/** loggo.ParseLevel. */
function parseLevel(level: string): string | null {
  const upper = level.toUpperCase();
  if (upper === 'WARN') return 'WARNING';
  return ['UNSPECIFIED', 'TRACE', 'DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'].includes(upper) ? upper : null;
}

export const tool: ToolDefinition = {
  name: 'juju-log',
  args: '<message>',
  purpose: 'Write a message to the juju log.',
  options: () => [boolOption('debug'), valueOption('l', 'log-level'), valueOption('format')],
  async run(context, parsed) {
    if (parsed.args.length === 0) usageError('no message specified');
    const message = parsed.args.join(' ');
    warnDeprecatedFormat(parsed, 'juju-log');
    const entries: LogEntry[] = [];
    let level = 'INFO';
    const requested = parsed.string('log-level', 'INFO');
    if (parsed.bool('debug')) {
      level = 'DEBUG';
    } else if (requested !== '') {
      const known = parseLevel(requested);
      if (known === null) entries.push({ level: 'WARNING', message: `Specified log level of ${JSON.stringify(requested)} is not valid` });
      level = known ?? 'INFO';
    }
    // In relation hooks Juju prefixes the message with the relation id.
    const key = hookRelationKey(context);
    entries.push({ level, message: key === undefined ? message : `${key}: ${message}` });
    await withModelLock(context.modelDir, () => appendLog(context.modelDir, context.unitName, entries));
  },
};
