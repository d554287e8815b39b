import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandKit } from '@lucky/core';
import type {} from '@lucky/cli'; // the members of CommandKit (module augmentation)
import { SimulatorError } from '../errors.js';
import { LocalModel, type HookOutcome } from '../runner/local-model.js';
import { noModelMessage } from './no-model.js';
import { HookProgress, hookSucceeded, type ProgressMode } from './progress.js';

/**
 * Base of `lucky sim …`, built from the CLI's command kit: the model lives in a
 * directory (`--model`, else `$LUCKY_SIM_MODEL`, else `.lucky-sim` here), so each
 * command opens it anew.
 * @internal
 */
export function simCommandBase({ Command, Option, UsageError, cliPath }: CommandKit) {
  abstract class SimCommand extends Command {
    modelDir = Option.String('-m,--model', { env: 'LUCKY_SIM_MODEL', description: 'Model directory (default: ./.lucky-sim)' });

    get dir(): string {
      return resolve(this.modelDir ?? '.lucky-sim');
    }

    quiet = Option.Boolean('-q,--quiet', false, { description: 'Show only the hooks that fail, not every hook as it runs' });

    serial = Option.Boolean('--serial', false, {
      description: "Run one hook at a time across the model, in a fixed order (default: units' hooks run at the same time, as on Juju)",
    });

    /** Set once the model streams this command's hooks as they finish. */
    #progress: HookProgress | undefined;

    /** Whether this command's hooks stream as they finish (`sim run` prints its action its own way). */
    streamHooks = true;

    /**
     * How hooks are shown: `--quiet`; `--format json` of the commands that take it for
     * their hooks (property `hookFormat`); none while a command prints its own JSON or
     * YAML (`advance --format json`); else a line per hook as it finishes.
     */
    #progressMode(): ProgressMode | undefined {
      if (!this.streamHooks) return undefined;
      const own = this as { hookFormat?: unknown; format?: unknown };
      if (own.hookFormat !== undefined && own.hookFormat !== 'plain' && own.hookFormat !== 'json') {
        throw new UsageError(`Invalid --format "${String(own.hookFormat)}": expected plain or json`);
      }
      if (own.hookFormat === 'json') return 'json';
      if (own.format !== undefined && own.format !== 'plain' && own.format !== 'tabular') return undefined;
      return this.quiet ? 'quiet' : 'plain';
    }

    /** Streams the model's hooks to stdout from now on. */
    #watch(model: LocalModel): LocalModel {
      if (this.serial) model.serial = true;
      const mode = this.#progressMode();
      if (mode !== undefined) {
        this.#progress = new HookProgress(this.context.stdout, mode);
        model.listener = { ...model.listener, ...this.#progress.listener() };
      }
      return model;
    }

    /** Opens the model; a directory without one is refused with the commands that make or find it. */
    async open(): Promise<LocalModel> {
      if (!existsSync(join(this.dir, 'model.json'))) throw new SimulatorError(noModelMessage(this.dir));
      return this.#watch(await LocalModel.open(this.dir));
    }

    /** Opens the model, creating it (with this `lucky` on its hooks' PATH) when there is none yet. */
    async openOrCreate(): Promise<LocalModel> {
      if (existsSync(join(this.dir, 'model.json'))) return this.open();
      const { writeLuckyShim } = await import('@lucky/core');
      const bin = join(this.dir, 'bin');
      writeLuckyShim(bin, process.execPath, cliPath());
      return this.#watch(await LocalModel.create(this.dir, { path: [bin], name: 'local' }));
    }

    /** One line per hook run (those not streamed yet), and the output of failed ones. */
    printOutcomes(outcomes: readonly HookOutcome[]): number {
      (this.#progress ?? new HookProgress(this.context.stdout, this.quiet ? 'quiet' : 'plain')).writeRest(outcomes);
      const failed = outcomes.filter((outcome) => !hookSucceeded(outcome)).length;
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
