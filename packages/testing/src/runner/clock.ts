/**
 * The model clock: an instant kept in model.json (`clock`), real time when the model
 * was created and moved only by `lucky sim advance`. Hook tools and clock-event
 * sources read simulated time from here, never from the system clock, so a test
 * that advances by a day runs in milliseconds and gives the same result each time.
 */
import { SimulatorError } from '../errors.js';
import type { ModelState } from '../model/schema.js';

/** The model's current simulated instant. Models made before the clock existed start it at the first call. */
export function modelNow(model: Pick<ModelState, 'clock'>): Date {
  return model.clock === undefined ? new Date() : new Date(model.clock);
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** The longest single advance: ten years of update-status hooks is already two million hooks. */
const MAX_ADVANCE_MS = 3660 * UNIT_MS.d!;

/**
 * Parses a duration as Go and Juju write them, plus days and weeks: `90s`, `5m`, `1h30m`,
 * `2d`, `1w2d`, `1500ms`. Whole numbers only; at least one part; no sign.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const part = /(\d+)(ms|s|m|h|d|w)/y;
  let total = 0;
  let at = 0;
  while (at < trimmed.length) {
    part.lastIndex = at;
    const match = part.exec(trimmed);
    if (!match) break;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
    at = part.lastIndex;
  }
  if (trimmed === '' || at !== trimmed.length) {
    throw new SimulatorError(`Invalid duration ${JSON.stringify(text)}: write it as numbers with units ms, s, m, h, d, w, e.g. 5m, 1h30m or 2d.`);
  }
  if (total <= 0) throw new SimulatorError(`Invalid duration ${JSON.stringify(text)}: the clock only moves forward; give a duration above zero.`);
  if (total > MAX_ADVANCE_MS)
    throw new SimulatorError(`Duration ${JSON.stringify(text)} is too long for one advance (at most ${MAX_ADVANCE_MS / UNIT_MS.d!} days).`);
  return total;
}
