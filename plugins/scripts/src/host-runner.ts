import { join } from 'node:path';
import { execa } from 'execa';
import { ErrorCode, LuckyError, type DaemonContext, type ScriptRun, type ScriptRunner } from '@lucky/core';
import { endProcessGroup } from '@lucky/core/system';

/** The command line of a host entry (DMN-20). */
export function hostCommand(run: ScriptRun, charmDir: string): { file: string; args: string[]; name: string } {
  const { entry } = run;
  if (entry.kind === 'host-script') {
    return { file: join(charmDir, 'host_scripts', entry.spec['host-script']), args: [...entry.spec.args], name: entry.spec['host-script'] };
  }
  if (entry.kind === 'inline-host-script') {
    const [shell, ...shellArgs] = entry.spec['shell-command'];
    if (!shell) throw new LuckyError(ErrorCode.ConfigInvalid, `Inline script ${run.id} has an empty shell-command.`);
    return { file: shell, args: [...shellArgs, entry.spec['inline-host-script']], name: `${run.hook.hook}_inline` };
  }
  throw new LuckyError(ErrorCode.PluginFailed, `The host runner cannot run ${entry.kind} entries.`);
}

/** After a script exits, how long its output may still arrive before its pipes are let go. */
const OUTPUT_DRAIN_MS = 200;

/**
 * Runs `host-script` and `inline-host-script` entries on the host, in the charm
 * directory, with the script environment only (nothing of the daemon's own), and
 * streams their output as it arrives. Each script leads a process group of its
 * own, handed to the hook: when the hook is cancelled or fails, the whole group
 * is ended, background children included. A background child that keeps the
 * script's output open does not hold the hook once the script has exited.
 */
export const hostScriptRunner: ScriptRunner = {
  kinds: ['host-script', 'inline-host-script'],
  async run(run: ScriptRun, daemon: DaemonContext): Promise<void> {
    const { file, args, name } = hostCommand(run, daemon.charmDir);
    const child = execa(file, args, {
      cwd: daemon.charmDir,
      env: run.env,
      extendEnv: false,
      stdin: 'ignore',
      buffer: false,
      reject: false,
      detached: true,
      cleanup: false,
    });
    if (child.pid !== undefined) run.hook.trackProcessGroup(child.pid);
    const pgid = child.pid;
    const stop = (): void => {
      if (pgid === undefined) return;
      // The group: the script and everything it started. SIGKILL follows if SIGTERM is not enough.
      void endProcessGroup(pgid, 5000);
    };
    if (run.signal.aborted) stop();
    else run.signal.addEventListener('abort', stop, { once: true });
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (data: string) => run.output('stdout', data));
    child.stderr?.on('data', (data: string) => run.output('stderr', data));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await Promise.race([exited, child]);
    const drained = setTimeout(() => {
      child.stdout?.destroy();
      child.stderr?.destroy();
    }, OUTPUT_DRAIN_MS);
    const result = await child;
    clearTimeout(drained);
    run.signal.removeEventListener('abort', stop);
    if (result.failed && result.exitCode === undefined && result.signal === undefined) {
      const code = (result.cause as NodeJS.ErrnoException | undefined)?.code;
      const hint =
        code === 'EACCES' ? ' (it is not executable: chmod +x it, or build the charm with "lucky charm build")' : code === 'ENOENT' ? ' (no such file)' : '';
      throw new LuckyError(ErrorCode.ScriptFailed, `Error executing script: ${file}${hint}`, { cause: result.cause, data: { script: name } });
    }
    if (result.signal) {
      throw new LuckyError(ErrorCode.ScriptFailed, `Host script "${name}" terminated by signal (${result.signal})`, {
        data: { script: name, signal: result.signal },
      });
    }
    if (result.exitCode !== 0) {
      throw new LuckyError(ErrorCode.ScriptFailed, `Host script "${name}" exited non-zero (${result.exitCode})`, {
        data: { script: name, exitCode: result.exitCode },
      });
    }
  },
};
