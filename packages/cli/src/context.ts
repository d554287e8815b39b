import type {} from '@lucky/plugin-juju'; // its RPC methods (module augmentation)
import { Command, Option, UsageError } from 'clipanion';
import { DaemonClient, resolveSocketPath, type RpcMethodName, type RpcParams, type RpcResult } from '@lucky/core/client';
import { closeWhenCallerLeaves } from './fast/caller.js';
import type { Format } from './output.js';

/**
 * Base of every command a script calls: finds the unit's daemon the way Lucky did
 * (`--socket-path`/`LUCKY_DAEMON_SOCKET`, else from `--unit-name`/`JUJU_UNIT_NAME`)
 * and announces the caller's `JUJU_CONTEXT_ID` so Juju calls run in its hook.
 */
export abstract class ClientCommand extends Command {
  socketPath = Option.String('--socket-path', { env: 'LUCKY_DAEMON_SOCKET', hidden: true, description: 'Path of the daemon socket' });
  unitName = Option.String('--unit-name', { env: 'JUJU_UNIT_NAME', hidden: true, description: 'Juju unit name' });

  protected async connect(): Promise<DaemonClient> {
    const env = this.context.env;
    const path = this.socketPath ?? resolveSocketPath(this.unitName, { ...env, LUCKY_DAEMON_SOCKET: undefined });
    return closeWhenCallerLeaves(this.context, await DaemonClient.connect(path, { context: env.JUJU_CONTEXT_ID || undefined }));
  }

  /** One RPC on a fresh connection: what nearly every client command does. */
  protected async call<M extends RpcMethodName>(method: M, params: RpcParams<M>): Promise<RpcResult<M>> {
    const client = await this.connect();
    try {
      return await client.call(method, params);
    } finally {
      client.close();
    }
  }
}

/** Base of getters: adds `--format plain|json`. */
export abstract class GetterCommand extends ClientCommand {
  formatOption = Option.String('--format', 'plain', { description: "Output format: plain (Lucky's) or json" });

  protected get format(): Format {
    if (this.formatOption === 'plain' || this.formatOption === 'json') return this.formatOption;
    throw new UsageError(`Invalid --format "${this.formatOption}": expected plain or json`);
  }
}

/** Base of `lucky container …`: `-c/--container` picks a named container (CL-21). */
export abstract class ContainerCommand extends ClientCommand {
  container = Option.String('-c,--container', { description: 'Named container (default: the default container)' });

  /** Runs a definition change; prints the daemon's warning (no definition yet, GAP-50) on stderr. */
  protected async change<M extends RpcMethodName>(method: M, params: RpcParams<M>): Promise<RpcResult<M>> {
    const result = await this.call(method, params);
    const warning = (result as { warning?: string }).warning;
    if (warning) this.context.stderr.write(`Warning: ${warning}\n`);
    return result;
  }
}

/** A getter under `lucky container …`. */
export abstract class ContainerGetterCommand extends GetterCommand {
  container = Option.String('-c,--container', { description: 'Named container (default: the default container)' });
}
