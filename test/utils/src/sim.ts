import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createSimulatedModel, type SimulatedModel } from '@lucky/testing';
import { LUCKY_BIN, lucky } from './lucky.js';
import { tempDir, removeDir } from './temp-dir.js';

type RunHookOptions = NonNullable<Parameters<SimulatedModel['runHook']>[2]>;
type HookResult = Awaited<ReturnType<SimulatedModel['runHook']>>;

/** One command's output (stdout and stderr merged) and exit code, from `probe`. */
export interface ProbeResult {
  readonly out: string;
  readonly exit: number;
}

/**
 * A simulated model whose units each get their own Lucky data dir and daemon
 * socket, with this workspace's `lucky` on PATH. `stop()` stops every daemon
 * that was started, by pid, and removes the model directory.
 */
export class TestModel {
  readonly dir: string;
  readonly model: SimulatedModel;
  /** Added to every hook's environment (and so to the daemons it starts). */
  private readonly env: Record<string, string>;

  private constructor(dir: string, model: SimulatedModel, env: Record<string, string>) {
    this.dir = dir;
    this.model = model;
    this.env = env;
  }

  static async create(env: Record<string, string> = {}): Promise<TestModel> {
    const dir = await tempDir('lucky-sim-');
    return new TestModel(dir, await createSimulatedModel(join(dir, 'model')), env);
  }

  /** Lucky's per-unit locations and PATH for a unit's hooks. */
  unitEnv(unit: string): Record<string, string> {
    const base = join(this.dir, 'units', unit.replace('/', '-'));
    mkdirSync(base, { recursive: true });
    return {
      LUCKY_DATA_DIR: join(base, 'data'),
      LUCKY_DAEMON_SOCKET: join(base, 'run', 'daemon.sock'),
      PATH: `${this.model.toolsDir}:${dirname(LUCKY_BIN)}:${join(dirname(LUCKY_BIN), '..', '..', '..', 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? '/root',
    };
  }

  hook(unit: string, name: string, options: RunHookOptions = {}): Promise<HookResult> {
    return this.model.runHook(unit, name, { ...options, extraEnv: { ...this.env, ...this.unitEnv(unit), ...options.extraEnv } });
  }

  /**
   * Runs each shell command inside hook `name` of `unit` (the charm must run
   * `eval "$LUCKY_PROBE"` in that hook) and returns each one's output and exit code.
   */
  async probe(unit: string, name: string, commands: readonly string[], options: RunHookOptions = {}): Promise<{ results: ProbeResult[]; hook: HookResult }> {
    const script = commands.map((command, i) => `echo "@@begin ${i}"; ( ${command} ) 2>&1; echo "@@end ${i} $?"`).join('\n');
    const hook = await this.hook(unit, name, { ...options, extraEnv: { ...options.extraEnv, LUCKY_PROBE: script } });
    const results: ProbeResult[] = commands.map((_, i) => {
      const match = new RegExp(`@@begin ${i}\\n([\\s\\S]*?)@@end ${i} (\\d+)\\n`).exec(hook.stdout);
      if (!match)
        throw new Error(`probe ${i} (${commands[i]}) produced no result; hook exit ${hook.exitCode}\nstdout:\n${hook.stdout}\nstderr:\n${hook.stderr}`);
      return { out: match[1] ?? '', exit: Number(match[2]) };
    });
    return { results, hook };
  }

  /** Stops every unit daemon (by pid through `lucky daemon stop`) and removes the model. */
  async stop(): Promise<void> {
    const state = await this.model.state();
    for (const unit of Object.keys(state.units)) {
      await lucky(['daemon', 'stop', '--ignore-already-stopped', '--unit-name', unit], { ...this.env, ...this.unitEnv(unit) });
    }
    await removeDir(this.dir);
  }
}
