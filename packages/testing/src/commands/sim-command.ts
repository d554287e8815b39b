import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandKit } from '@lucky/core';
import type {} from '@lucky/cli'; // the members of CommandKit (module augmentation)
import { SimulatorError } from '../errors.js';
import { LocalModel, type HookOutcome } from '../runner/local-model.js';
import { noModelMessage } from './no-model.js';

/**
 * Base of `lucky sim …`, built from the CLI's command kit: the model lives in a
 * directory (`--model`, else `$LUCKY_SIM_MODEL`, else `.lucky-sim` here), so each
 * command opens it anew.
 * @internal
 */
export function simCommandBase({ Command, Option, cliPath }: CommandKit) {
  abstract class SimCommand extends Command {
    modelDir = Option.String('-m,--model', { env: 'LUCKY_SIM_MODEL', description: 'Model directory (default: ./.lucky-sim)' });

    get dir(): string {
      return resolve(this.modelDir ?? '.lucky-sim');
    }

    /** Opens the model; a directory without one is refused with the commands that make or find it. */
    open(): Promise<LocalModel> {
      if (!existsSync(join(this.dir, 'model.json'))) throw new SimulatorError(noModelMessage(this.dir));
      return LocalModel.open(this.dir);
    }

    /** Opens the model, creating it (with this `lucky` on its hooks' PATH) when there is none yet. */
    async openOrCreate(): Promise<LocalModel> {
      if (existsSync(join(this.dir, 'model.json'))) return LocalModel.open(this.dir);
      const { writeLuckyShim } = await import('@lucky/core');
      const bin = join(this.dir, 'bin');
      writeLuckyShim(bin, process.execPath, cliPath());
      return LocalModel.create(this.dir, { path: [bin], name: 'local' });
    }

    /** One line per hook run, and the output of failed ones. */
    printOutcomes(outcomes: readonly HookOutcome[]): number {
      const out = this.context.stdout;
      let failed = 0;
      for (const outcome of outcomes) {
        // A hook killed by `juju-reboot --now` did not fail: it runs again after the reboot.
        const ok = outcome.exitCode === 0 || outcome.reboot === 'now';
        const result =
          outcome.reboot === 'now' ? 'rebooting now (runs again)' : outcome.reboot ? 'ok, rebooted' : ok ? 'ok' : `failed (exit ${outcome.exitCode})`;
        out.write(`${outcome.unit.padEnd(12)} ${outcome.hook.padEnd(32)} ${result}\n`);
        if (!ok) {
          failed++;
          for (const line of outcome.stderr.trimEnd().split('\n').slice(-5)) if (line) out.write(`${''.padEnd(13)}| ${line}\n`);
        }
      }
      if (failed > 0) {
        this.context.stderr.write(
          `Error: ${failed} hook${failed > 1 ? 's' : ''} failed; see "lucky sim log <unit>", fix the charm, then "lucky sim resolved <unit>".\n`,
        );
        return 1;
      }
      return 0;
    }
  }
  return SimCommand;
}

/** @internal */
export type SimKit = CommandKit & { readonly SimCommand: ReturnType<typeof simCommandBase> };
