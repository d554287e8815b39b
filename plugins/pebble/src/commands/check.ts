/**
 * `lucky container check add|remove|list`: health checks of workload containers,
 * declared from scripts (Pebble's checks: http, tcp or exec; `<c>-pebble-check-failed`
 * and `-recovered` fire when one goes down or up again).
 */
import type { CommandClass, CommandKit } from '@lucky/core';
import { pebbleKit } from './kit.js';

const CATEGORY = 'Containers (Pebble)';

/** `--tcp 8080` or `--tcp db.local:5432`. */
function parseTcp(text: string): { port: number; host?: string } | undefined {
  const match = /^(?:(.+):)?(\d{1,5})$/.exec(text);
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return match[1] ? { port, host: match[1] } : { port };
}

export function checkCommands(commandKit: CommandKit): CommandClass[] {
  const { Command, Option, UsageError, ClientCommand, writeJson } = pebbleKit(commandKit);

  class ContainerCheckAddCommand extends ClientCommand {
    static override paths = [['container', 'check', 'add']];
    static override usage = Command.Usage({
      category: CATEGORY,
      description: "declare a health check of a workload container (Pebble's checks)",
      details:
        "Exactly one probe: --http (succeeds on a 2xx answer), --tcp (a connection opens) or --exec (the command exits 0, run in the container's service context). Pebble runs it every --period; after --threshold failures in a row the check is down and Juju fires <container>-pebble-check-failed (JUJU_PEBBLE_CHECK_NAME), then <container>-pebble-check-recovered once it passes again. Adding a check of the same name replaces it. The check is kept in the unit's state and applied again when the container restarts.",
      examples: [
        ['An HTTP readiness check', 'lucky container check add web-ready --http http://localhost:8080/health --level ready'],
        ['A TCP check every 5 s', 'lucky container check add db-up --tcp 5432 --period 5s -c db'],
        ['A command', "lucky container check add cache-ok --exec 'redis-cli ping' --threshold 5"],
      ],
    });

    name = Option.String({ name: 'name', required: true });
    http = Option.String('--http', { description: 'URL that must answer 2xx' });
    tcp = Option.String('--tcp', { description: 'Port (or host:port) that must accept a connection' });
    exec = Option.String('--exec', { description: 'Command that must exit 0 (Pebble splits it like a shell)' });
    period = Option.String('--period', '10s', { description: 'How often the check runs (default 10s)' });
    threshold = Option.String('--threshold', '3', { description: 'Failures in a row before the check is down (default 3)' });
    level = Option.String('--level', { description: 'alive or ready (Pebble health levels); none by default' });
    container = Option.String('-c,--container', { description: 'Workload container (default: the default container)' });

    override async execute(): Promise<number> {
      const probes = [this.http, this.tcp, this.exec].filter((probe) => probe !== undefined);
      if (probes.length !== 1) throw new UsageError('Give exactly one of --http <url>, --tcp <port> or --exec <command>.');
      const threshold = Number(this.threshold);
      if (!Number.isInteger(threshold) || threshold < 1) throw new UsageError(`Invalid --threshold "${this.threshold}": a whole number, 1 or more.`);
      if (this.level !== undefined && this.level !== 'alive' && this.level !== 'ready')
        throw new UsageError(`Invalid --level "${this.level}": expected alive or ready.`);
      const tcp = this.tcp === undefined ? undefined : parseTcp(this.tcp);
      if (this.tcp !== undefined && !tcp) throw new UsageError(`Invalid --tcp "${this.tcp}": expected a port (1-65535) or host:port.`);
      const result = await this.call('pebble.check.add', {
        ...(this.container === undefined ? {} : { container: this.container }),
        name: this.name,
        check: {
          level: this.level ?? null,
          period: this.period,
          threshold,
          ...(this.http === undefined ? {} : { http: { url: this.http } }),
          ...(tcp ? { tcp } : {}),
          ...(this.exec === undefined ? {} : { exec: { command: this.exec } }),
        },
      });
      if (result.warning) this.context.stderr.write(`Warning: ${result.warning}\n`);
      return 0;
    }
  }

  class ContainerCheckRemoveCommand extends ClientCommand {
    static override paths = [['container', 'check', 'remove']];
    static override usage = Command.Usage({
      category: CATEGORY,
      description: 'remove a health check declared with `lucky container check add`',
      details: 'Pebble cannot delete a check, so it is disabled in the layer; it no longer fires hooks. Removing a check that does not exist does nothing.',
      examples: [['Remove', 'lucky container check remove web-ready']],
    });

    name = Option.String({ name: 'name', required: true });
    container = Option.String('-c,--container', { description: 'Workload container (default: the one that has the check)' });

    override async execute(): Promise<number> {
      const result = await this.call('pebble.check.remove', { ...(this.container === undefined ? {} : { container: this.container }), name: this.name });
      if (result.warning) this.context.stderr.write(`Warning: ${result.warning}\n`);
      return 0;
    }
  }

  class ContainerCheckListCommand extends ClientCommand {
    static override paths = [['container', 'check', 'list']];
    static override usage = Command.Usage({
      category: CATEGORY,
      description: 'list the declared health checks and their state in Pebble',
      details:
        "One line per check: container, name, probe, level, period, threshold and status (up, down, or unknown when the container's Pebble does not answer). --format json gives every field.",
      examples: [
        ['Table', 'lucky container check list'],
        ['For scripts', 'lucky container check list --format json -c web'],
      ],
    });

    format = Option.String('--format', 'plain', { description: 'plain or json' });
    container = Option.String('-c,--container', { description: 'Only this workload container' });

    override async execute(): Promise<number> {
      if (this.format !== 'plain' && this.format !== 'json') throw new UsageError(`Invalid --format "${this.format}": expected plain or json`);
      const { checks } = await this.call('pebble.check.list', this.container === undefined ? {} : { container: this.container });
      if (this.format === 'json') {
        writeJson(this.context.stdout, checks);
        return 0;
      }
      for (const check of checks) {
        const probe = check.http
          ? `http ${check.http.url}`
          : check.tcp
            ? `tcp ${check.tcp.host ? `${check.tcp.host}:` : ''}${check.tcp.port}`
            : `exec ${check.exec?.command ?? ''}`;
        const fields = [
          check.container,
          check.name,
          probe,
          `level=${check.level ?? '-'}`,
          `period=${check.period}`,
          `threshold=${check.threshold}`,
          `status=${check.status ?? 'unknown'}`,
        ];
        this.context.stdout.write(`${fields.join('\t')}\n`);
      }
      return 0;
    }
  }

  return [ContainerCheckAddCommand, ContainerCheckRemoveCommand, ContainerCheckListCommand];
}
