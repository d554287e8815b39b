import { Command, Option } from 'clipanion';
import { GetterCommand } from '../context.js';
import { writeJson } from '../output.js';

/** Lucky's rendering of a config value (CL-04): null → empty, string → raw, others → JSON. */
function render(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `lucky get-config [key]` (CL-04), from the daemon's config cache. */
export class GetConfigCommand extends GetterCommand {
  static override paths = [['get-config']];
  static override usage = Command.Usage({
    category: 'Charm config',
    description: 'print a charm config value, or every key=value',
    details: 'Values come from the config cache, refreshed in the install, config-changed and upgrade-charm hooks, so this also works outside hooks.',
    examples: [['Read an option', 'lucky get-config port']],
  });

  key = Option.String({ required: false, name: 'key' });

  async execute(): Promise<number> {
    const client = await this.connect();
    try {
      const { values } = await client.call('config.get', { key: this.key });
      const out = this.context.stdout;
      if (this.format === 'json') writeJson(out, this.key === undefined ? values : (values[this.key] ?? null));
      else if (this.key !== undefined) out.write(`${render(values[this.key])}\n`);
      else
        out.write(
          Object.keys(values)
            .sort()
            .map((key) => `${key}=${render(values[key])}\n`)
            .join(''),
        );
    } finally {
      client.close();
    }
    return 0;
  }
}
