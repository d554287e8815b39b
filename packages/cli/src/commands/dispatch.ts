import { basename, dirname } from 'node:path';
import { Command, Option, UsageError } from 'clipanion';
import { ErrorCode, LuckyError } from '@lucky/core/client';
import { cliPath } from '../cli-path.js';
import { DaemonCommand } from '../daemon-options.js';
import { ensureCurrentDaemon, ensureDaemon } from '../daemon-starter.js';
import { closeWhenCallerLeaves } from '../fast/caller.js';
import { VERSION } from '../version.js';

/**
 * `lucky dispatch [hook]`: the one command a charm's `dispatch` file runs. Starts
 * the unit's daemon if needed, runs the hook there with this process's complete
 * environment, streams every script's output here, and fails when the hook fails.
 */
export class DispatchCommand extends DaemonCommand {
  static override paths = [['dispatch'], ['trigger-hook']];
  static override usage = Command.Usage({
    category: 'Daemon',
    description: "run a Juju hook through the unit's Lucky daemon",
    details:
      "The hook is the argument, else the basename of $JUJU_DISPATCH_PATH. For `actions/<name>` the scripts of lucky.yaml's `actions:` run; when they fail, the action is failed with `action-fail` and the script's error, and dispatch exits 0 so that Juju keeps this message. `trigger-hook` is Lucky's name for the same command. A running daemon that serves another revision of the charm (lucky.yaml or the Lucky version changed) is restarted first, its state kept. With `--cron <job>` the entries of that cron job (its schedule as written in lucky.yaml) run instead, as hook `cron`: the daemon's scheduler runs it this way through `juju-exec <unit>`, so it has a hook context.",
    examples: [
      ["In a charm's dispatch file", 'exec lucky dispatch'],
      ['Run a hook by name', 'lucky dispatch config-changed'],
      ['Run a cron job in a juju-exec hook context', 'juju-exec myapp/0 "lucky dispatch --cron \'0 */5 * * * *\'"'],
    ],
  });

  hook = Option.String({ required: false, name: 'hook' });
  cron = Option.String('--cron', { description: 'Run the cron job with this id (its schedule as written in lucky.yaml) instead of a hook' });

  async execute(): Promise<number> {
    const env = this.context.env;
    refuseInsideScript(env);
    const dispatchPath = env.JUJU_DISPATCH_PATH;
    if (this.cron !== undefined && this.hook !== undefined) throw new UsageError('Give a hook or --cron <job>, not both.');
    // A cron job runs as hook `cron` (YAML-05); juju-exec sets no JUJU_DISPATCH_PATH.
    const hook = this.cron !== undefined ? 'cron' : (this.hook ?? (dispatchPath ? basename(dispatchPath) : undefined));
    // Juju runs actions as `actions/<name>`: their scripts are lucky.yaml's `actions:`.
    const kind = this.hook === undefined && dispatchPath !== undefined && dirname(dispatchPath) === 'actions' ? 'action' : 'hook';
    if (!hook) throw new UsageError('No hook to run: give one as an argument, or run under Juju, which sets JUJU_DISPATCH_PATH.');
    const location = this.location();
    // The revision check needs the charm: Juju always sets JUJU_CHARM_DIR; by hand, without it, any daemon is used.
    const client = closeWhenCallerLeaves(
      this.context,
      this.charmDir === undefined
        ? await ensureDaemon(location, env, cliPath())
        : await ensureCurrentDaemon(location, env, cliPath(), VERSION, (line) => this.context.stderr.write(line)),
    );
    const hookEnv: Record<string, string> = {};
    for (const [key, value] of Object.entries(env)) if (value !== undefined) hookEnv[key] = value;
    const output = {
      onNotification: (method: string, params: unknown): void => {
        if (method !== 'hook.output') return;
        const { stream, data } = params as { stream: 'stdout' | 'stderr'; data: string };
        (stream === 'stderr' ? this.context.stderr : this.context.stdout).write(data);
      },
    };
    try {
      if (this.cron !== undefined) {
        const result = await client.call('cron.run', { job: this.cron, env: hookEnv }, output);
        if (!result.ok) throw new LuckyError(ErrorCode.ScriptFailed, `Cron job "${this.cron}" failed: ${result.message ?? 'see the daemon log'}`);
        return 0;
      }
      const result = await client.call('hook.trigger', { hook, env: hookEnv, kind }, output);
      // A failed action already reported with action-fail ends with exit 0, so Juju keeps its message (core daemon/actions.ts).
      if (!result.ok && kind === 'action' && result.exitCode === 0) {
        this.context.stderr.write(`Action "${hook}" failed: ${result.message ?? 'see the daemon log'}\n`);
        return 0;
      }
      if (!result.ok)
        throw new LuckyError(ErrorCode.ScriptFailed, `${kind === 'action' ? 'Action' : 'Hook'} "${hook}" failed: ${result.message ?? 'see the daemon log'}`);
      return 0;
    } finally {
      client.close();
    }
  }
}

/**
 * The daemon runs a unit's hooks one at a time, and sets LUCKY_SCRIPT_ID and
 * LUCKY_CONTEXT=client for every script it runs (host, container, cron job). A
 * script that dispatched a hook would wait for that hook, queued behind the
 * script's own hook, which waits for the script: a deadlock until Juju kills it.
 */
function refuseInsideScript(env: NodeJS.ProcessEnv): void {
  const scriptId = env.LUCKY_SCRIPT_ID;
  if (!scriptId || env.LUCKY_CONTEXT !== 'client') return;
  const hook = env.LUCKY_HOOK ? `hook "${env.LUCKY_HOOK}"` : 'a cron job';
  throw new LuckyError(
    ErrorCode.InvalidArgument,
    `lucky dispatch cannot run from a hook's script (it would wait for its own hook): this is script ${scriptId} of ${hook}, and the daemon runs one hook at a time. Run the commands of the other hook here instead, or list its scripts under this hook in lucky.yaml.`,
  );
}
