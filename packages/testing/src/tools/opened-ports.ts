import { comparePortRanges, formatPortRange, parsePortRange, uniquePortRanges, type PortRange } from '../model/ports.js';
import { currentUnit } from './context.js';
import { checkEmpty } from './errors.js';
import { boolOption, outputOptions, writeOutput, type ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'opened-ports',
  args: '',
  purpose: 'List all ports or port ranges opened by the unit.',
  options: () => [...outputOptions(), boolOption('endpoints')],
  async run(context, parsed) {
    checkEmpty(parsed.args);
    // Committed ports only: open-port/close-port of this hook are still pending.
    const grouped = currentUnit(context).openedPorts;
    if (!parsed.bool('endpoints')) {
      await writeOutput(context, parsed, uniquePortRanges(grouped).map(formatPortRange));
      return;
    }
    const byRange = new Map<string, { range: PortRange; endpoints: Set<string> }>();
    for (const [endpoint, texts] of Object.entries(grouped)) {
      for (const text of texts) {
        const range = parsePortRange(text);
        const key = formatPortRange(range);
        const entry = byRange.get(key) ?? { range, endpoints: new Set<string>() };
        entry.endpoints.add(endpoint);
        byRange.set(key, entry);
      }
    }
    const lines = [...byRange.values()]
      .sort((a, b) => comparePortRanges(a.range, b.range))
      .map(({ range, endpoints }) => `${formatPortRange(range)} (${endpoints.has('') ? '*' : [...endpoints].sort().join(', ')})`);
    await writeOutput(context, parsed, lines);
  },
};
