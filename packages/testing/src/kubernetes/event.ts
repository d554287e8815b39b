/** The Pebble server's events (what its `--on-event` executable gets in LUCKY_PEBBLE_EVENT), checked with valibot. */
import * as v from 'valibot';
import { SimulatorError } from '../errors.js';

const NoticeSchema = v.looseObject({ id: v.string(), type: v.string(), key: v.string() });
const CheckSchema = v.looseObject({ name: v.string() });

export const PebbleEventSchema = v.variant('kind', [
  v.looseObject({ kind: v.literal('custom-notice'), notice: NoticeSchema }),
  v.looseObject({ kind: v.picklist(['check-failed', 'check-recovered']), check: CheckSchema }),
]);

export type PebbleEvent = v.InferOutput<typeof PebbleEventSchema>;

/** Parses the event JSON; a clear error names what is wrong. */
export function parsePebbleEvent(text: string | undefined): PebbleEvent {
  if (text === undefined || text === '')
    throw new SimulatorError('LUCKY_PEBBLE_EVENT is not set; this program is run by the Pebble server for each of its events.');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SimulatorError(`LUCKY_PEBBLE_EVENT is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const result = v.safeParse(PebbleEventSchema, data);
  if (!result.success) {
    const issues = result.issues.map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`);
    throw new SimulatorError(`LUCKY_PEBBLE_EVENT is not a Pebble event: ${issues.join('; ')}`);
  }
  return result.output;
}
