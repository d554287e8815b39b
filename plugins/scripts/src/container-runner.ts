import { posix } from 'node:path';
import { ErrorCode, LuckyError, type ContainerRuntime, type DaemonContext, type ScriptRun, type ScriptRunner } from '@lucky/core';

/** What a container entry names: its script (for messages), its container, and its command once the scripts' place is known. */
export interface ContainerEntry {
  readonly name: string;
  readonly container: string;
  readonly ignoreMissing: boolean;
  /** The command line (DKR-06, without Lucky's exit-code helper), given where the runtime puts the scripts. */
  command(scriptsDir: string): string[];
}

export function containerEntry(run: ScriptRun): ContainerEntry {
  const { entry } = run;
  if (entry.kind === 'container-script') {
    return {
      name: entry.spec['container-script'],
      container: entry.spec['container-name'] ?? '',
      ignoreMissing: entry.spec['ignore-missing-container'],
      command: (scriptsDir) => [posix.join(scriptsDir, entry.spec['container-script']), ...entry.spec.args],
    };
  }
  if (entry.kind === 'inline-container-script') {
    return {
      name: `${run.hook.hook}_inline`,
      container: entry.spec['container-name'] ?? '',
      ignoreMissing: entry.spec['ignore-missing-container'],
      command: () => [...entry.spec['shell-command'], entry.spec['inline-container-script']],
    };
  }
  throw new LuckyError(ErrorCode.PluginFailed, `The container runner cannot run ${entry.kind} entries.`);
}

/** The command line of a container entry in `runtime`'s containers. */
export function containerCommand(
  run: ScriptRun,
  runtime: Pick<ContainerRuntime, 'scriptsDir'>,
): { command: string[]; name: string; container: string; ignoreMissing: boolean } {
  const { name, container, ignoreMissing, command } = containerEntry(run);
  return { command: command(runtime.scriptsDir), name, container, ignoreMissing };
}

/**
 * The environment inside the container (DMN-22): the hook's `JUJU_*` and Lucky's
 * variables, nothing else of the host, then what the runtime says `lucky` needs
 * there to reach the daemon (the host's socket path means nothing inside).
 */
export function containerEnvironment(run: ScriptRun, clientEnv: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(run.env)) if (key.startsWith('JUJU_') || key.startsWith('LUCKY_')) env[key] = value;
  delete env.LUCKY_DAEMON_SOCKET;
  env.LUCKY_CONTEXT = 'client';
  return { ...env, ...clientEnv };
}

/** Runs `container-script` and `inline-container-script` entries through the container runtime's exec. */
export const containerScriptRunner: ScriptRunner = {
  kinds: ['container-script', 'inline-container-script'],
  async run(run: ScriptRun, daemon: DaemonContext): Promise<void> {
    const runtime = daemon.runtime();
    const { name, container, ignoreMissing, command } = containerEntry(run);
    const label = container === '' ? 'default' : container;
    const skip = (why: string): void => {
      const message = `Cannot run container script "${name}" in container "${label}" because container ${why}.`;
      if (!ignoreMissing) throw new LuckyError(ErrorCode.ScriptFailed, message, { data: { script: name, container: label } });
      daemon.log.info(`Skipped: ${message} (ignore-missing-container)`);
    };
    if (!runtime) return skip('is not managed (no container runtime: use-docker is false)');
    if (!daemon.state.data.containers[container]) return skip('does not exist');
    if (!(await runtime.isRunning(container, daemon))) return skip('has not been started');
    const exitCode = await runtime.exec(
      container,
      command(runtime.scriptsDir),
      { env: containerEnvironment(run, runtime.clientEnvironment(container, daemon)), output: (stream, data) => run.output(stream, data), signal: run.signal },
      daemon,
    );
    if (exitCode !== 0) {
      throw new LuckyError(ErrorCode.ScriptFailed, `Container script "${name}" exited non-zero: ${exitCode}`, { data: { script: name, exitCode } });
    }
  },
};
