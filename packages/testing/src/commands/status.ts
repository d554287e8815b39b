import type { CommandClass } from '@lucky/core';
import { stringify } from 'yaml';
import { parseDuration } from '../runner/clock.js';
import { jujuDocument, jujuStatus } from './status-juju.js';
import { formatStatus } from './status-table.js';
import { watch } from './status-watch.js';
import type { SimKit } from './sim-command.js';

const FORMATS = ['tabular', 'json', 'yaml'] as const;
type StatusFormat = (typeof FORMATS)[number];

/** `juju status --watch`'s usual period when none is given. */
const DEFAULT_WATCH = '2s';

/** `lucky sim status [--format tabular|json|yaml] [--watch [interval] [--count n]]` */
export function simStatusCommand({ Command, Option, UsageError, SimCommand }: SimKit): CommandClass {
  return class SimStatusCommand extends SimCommand {
    static override paths = [['sim', 'status']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: 'show the model like `juju status`: applications, units (leader starred, subordinates under their principal), machines, integrations',
      details: `
        The sections and columns are \`juju status\`'s: Model; App (Version, Status, Scale, Charm, Channel, Rev, Exposed, Message); Unit (Workload, Agent, Machine, Public address, Ports, Message — Address instead of Machine in a model of Kubernetes charms); Machine; Integration provider, Requirer, Interface, Type. Lucky adds each unit's storage and each Kubernetes unit's workload containers.

        \`--format json\` and \`--format yaml\` use Juju's keys (\`model\`, \`machines\`, \`applications\` → \`units\` → \`workload-status\`, \`juju-status\`, \`public-address\`, \`open-ports\`, \`leader\`, \`subordinates\`, …); what Juju has no key for (the unit's data dir and daemon socket, storage, Kubernetes containers with their Pebble sockets and services, the charm directory) is under \`lucky\`.

        \`--watch [interval]\` shows it again every interval (default ${DEFAULT_WATCH}) until interrupted: on a terminal it redraws in place; otherwise each snapshot follows the last (a blank line between tables, one JSON document per line, YAML documents after \`---\`). \`--count n\` stops after n snapshots.
      `,
      examples: [
        ['Like juju status', 'lucky sim status'],
        ['For scripts (Juju keys)', 'lucky sim status --format json'],
        ['As YAML', 'lucky sim status --format yaml'],
        ['Redraw every second until Ctrl-C', 'lucky sim status --watch 1s'],
        ['Two snapshots, a second apart', 'lucky sim status --watch 1s --count 2'],
      ],
    });

    format = Option.String('--format', 'tabular', { description: 'tabular (default), json or yaml' });
    watchOption = Option.String('--watch', false, {
      tolerateBoolean: true,
      description: 'Show it again every <interval> (e.g. 1s, 500ms; default 2s) until interrupted',
    });
    count = Option.String('--count', { description: 'With --watch: stop after <n> snapshots' });
    interval = Option.String({ required: false, name: 'interval' });

    async execute(): Promise<number> {
      // `plain` was this command's name for the table before it followed Juju's.
      const format = (this.format === 'plain' ? 'tabular' : this.format) as StatusFormat;
      if (!FORMATS.includes(format)) throw new UsageError(`Invalid --format "${this.format}": expected tabular, json or yaml`);
      const watching = this.watchOption !== false;
      if (this.interval !== undefined && !watching)
        throw new UsageError(`Unexpected argument "${this.interval}": lucky sim status takes no arguments (an interval goes after --watch)`);
      if (this.interval !== undefined && typeof this.watchOption === 'string')
        throw new UsageError(`Unexpected argument "${this.interval}" after --watch=${this.watchOption}`);
      if (this.count !== undefined && !watching) throw new UsageError('--count goes with --watch, e.g. lucky sim status --watch 1s --count 2');

      const model = await this.open();
      let empty = '';
      const render = async (): Promise<string> => {
        const [view, state] = await Promise.all([model.status(), model.simulator.state()]);
        // `juju status` on a model without applications adds that it is empty.
        empty = Object.keys(state.applications).length === 0 ? state.name : '';
        const status = jujuStatus(view, state);
        if (format === 'tabular') return formatStatus(status);
        // Watching off a terminal: one JSON document per line, so a reader can split them.
        if (format === 'json') return `${JSON.stringify(jujuDocument(status))}\n`;
        // go-yaml's layout, as Juju writes it: sequences not indented, no anchors.
        return stringify(jujuDocument(status), { indentSeq: false, aliasDuplicateObjects: false });
      };
      if (!watching) {
        this.context.stdout.write(await render());
        // On stderr, as Juju does, so the document stays clean.
        if (empty) this.context.stderr.write(`\nModel "${empty}" is empty.\n`);
        return 0;
      }

      const intervalText = typeof this.watchOption === 'string' ? this.watchOption : (this.interval ?? DEFAULT_WATCH);
      let intervalMs: number;
      try {
        intervalMs = parseDuration(intervalText);
      } catch {
        throw new UsageError(`Invalid --watch interval "${intervalText}": write it as a number with a unit (ms, s, m, h), e.g. 1s or 500ms`);
      }
      let count: number | undefined;
      if (this.count !== undefined) {
        count = Number(this.count);
        if (!Number.isSafeInteger(count) || count < 1) throw new UsageError(`Invalid --count "${this.count}": expected a whole number of at least 1`);
      }
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const stdout = this.context.stdout as NodeJS.WritableStream & { isTTY?: boolean };
        await watch(this.context.stdout, render, {
          intervalMs,
          ...(count !== undefined ? { count } : {}),
          redraw: stdout.isTTY === true,
          separator: format === 'yaml' ? '---\n' : format === 'json' ? '' : '\n',
          signal: controller.signal,
        });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      return 0;
    }
  };
}
