import { join, resolve } from 'node:path';
import { Command, Option } from 'clipanion';
import type { HookOutcome, LocalModel } from '@lucky/testing';
import { cliPath } from './cli-path.js';

/**
 * Base of `lucky sim …`: the model lives in a directory (`--model`, else
 * `$LUCKY_SIM_MODEL`, else `.lucky-sim` here), so each command opens it anew.
 */
export abstract class SimCommand extends Command {
  modelDir = Option.String('-m,--model', { env: 'LUCKY_SIM_MODEL', description: 'Model directory (default: ./.lucky-sim)' });

  protected get dir(): string {
    return resolve(this.modelDir ?? '.lucky-sim');
  }

  protected async open(): Promise<LocalModel> {
    const { LocalModel } = await import('@lucky/testing');
    return LocalModel.open(this.dir);
  }

  /** Opens the model, creating it (with this `lucky` on its hooks' PATH) when there is none yet. */
  protected async openOrCreate(): Promise<LocalModel> {
    const { existsSync } = await import('node:fs');
    const { LocalModel } = await import('@lucky/testing');
    if (existsSync(join(this.dir, 'model.json'))) return LocalModel.open(this.dir);
    const { writeLuckyShim } = await import('@lucky/core');
    const bin = join(this.dir, 'bin');
    writeLuckyShim(bin, process.execPath, cliPath());
    return LocalModel.create(this.dir, { path: [bin], name: 'local' });
  }

  /** One line per hook run, and the output of failed ones. */
  protected printOutcomes(outcomes: readonly HookOutcome[]): number {
    const out = this.context.stdout;
    let failed = 0;
    for (const outcome of outcomes) {
      const ok = outcome.exitCode === 0;
      out.write(`${outcome.unit.padEnd(12)} ${outcome.hook.padEnd(32)} ${ok ? 'ok' : `failed (exit ${outcome.exitCode})`}\n`);
      if (!ok) {
        failed++;
        for (const line of outcome.stderr.trimEnd().split('\n').slice(-5)) if (line) out.write(`${''.padEnd(13)}| ${line}\n`);
      }
    }
    if (failed > 0) {
      this.context.stderr.write(`Error: ${failed} hook${failed > 1 ? 's' : ''} failed; see "lucky sim log <unit>", fix the charm, then "lucky sim resolved <unit>".\n`);
      return 1;
    }
    return 0;
  }
}
