import { parsePortRange, recordClosePort, recordOpenPort, type PortRange } from '../model/ports.js';
import { currentUnit, updateHookContext } from './context.js';
import { checkEmpty, runtimeError, usageError } from './errors.js';
import { valueOption, warnDeprecatedFormat, type ToolDefinition } from './tool.js';

/** open-port and close-port: validated at once, buffered until the hook succeeds. */
export function portCommand(name: 'open-port' | 'close-port', purpose: string): ToolDefinition {
  return {
    name,
    args: '<port>[/<protocol>] or <from>-<to>[/<protocol>] or icmp',
    purpose,
    options: () => [valueOption('format'), valueOption('endpoints')],
    async run(context, parsed) {
      const [spec, ...rest] = parsed.args;
      if (spec === undefined) usageError('no port or range specified');
      let range: PortRange;
      try {
        range = parsePortRange(spec.toLowerCase());
      } catch (error) {
        usageError((error as Error).message);
      }
      checkEmpty(rest);
      warnDeprecatedFormat(parsed, name);
      const list = parsed.string('endpoints', '');
      const endpoints = list === '' ? [''] : list.split(',').map((endpoint) => endpoint.trim());
      const committed = currentUnit(context).openedPorts;
      await updateHookContext(context, (hook) => {
        for (const endpoint of endpoints) {
          try {
            if (name === 'open-port') recordOpenPort(hook.pending, committed, context.unitName, endpoint, range);
            else recordClosePort(hook.pending, committed, context.unitName, endpoint, range);
          } catch (error) {
            runtimeError((error as Error).message);
          }
        }
      });
    },
  };
}
