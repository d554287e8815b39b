/**
 * The Juju agent's part in a Pebble event, as a program: the Pebble server of a
 * workload container runs it (its `--on-event` executable, through the wrapper the
 * simulator writes next to the server's pid file) with the event JSON in
 * LUCKY_PEBBLE_EVENT. It opens the model, takes its runner lock like any operation,
 * queues `<container>-pebble-custom-notice` or `-check-failed`/`-recovered` and runs
 * the model until it settles.
 *
 *   node event-main.js <model dir> <unit> <container>
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isLuckyError } from '@lucky/errors';
import { LocalModel } from '../runner/local-model.js';
import { parsePebbleEvent } from './event.js';

async function main(argv: readonly string[]): Promise<number> {
  const [dir, unit, container] = argv;
  if (dir === undefined || unit === undefined || container === undefined) {
    process.stderr.write('Usage: event-main.js <model dir> <unit> <container> (event JSON in LUCKY_PEBBLE_EVENT)\n');
    return 2;
  }
  const event = parsePebbleEvent(process.env.LUCKY_PEBBLE_EVENT);
  // A model destroyed meanwhile has no agent left to run the hook.
  if (!existsSync(join(dir, 'runner.json'))) return 0;
  const model = await LocalModel.open(dir);
  const outcomes = await model.pebbleEvent(unit, container, event);
  for (const outcome of outcomes)
    process.stdout.write(`${outcome.unit} ${outcome.hook} ${outcome.exitCode === 0 ? 'ok' : `failed (exit ${outcome.exitCode})`}\n`);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`Error: ${isLuckyError(error) ? error.message : ((error as Error).stack ?? String(error))}\n`);
  process.exitCode = 1;
}
