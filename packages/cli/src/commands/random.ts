import { Command, Option, UsageError } from 'clipanion';
import { ErrorCode, LuckyError } from '@lucky/core/client';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** The longest string `--length` may ask for: far beyond any password, and instant to make. */
export const MAX_RANDOM_LENGTH = 4096;

/** crypto.randomInt draws from fewer than 2^48 integers. */
const MAX_INTEGER_COUNT = 2 ** 48 - 1;

/** `lucky random` (CL-18…CL-20): passwords, numbers and free ports; needs no daemon. */
export class RandomCommand extends Command {
  static override paths = [['random']];
  static override usage = Command.Usage({
    category: 'Utilities',
    description: 'print a random password, number in a range, or free port',
    details: `
      Without options: a random string of 24 letters and digits (\`--length\` changes the length, up to ${MAX_RANDOM_LENGTH}).
      \`--range LOW HIGH\`: an integer between LOW and HIGH inclusive, or with \`--float\` a decimal number.
      \`--available-port\`: a TCP port that is free now, between 1024 and 65535 or within \`--range\`.
    `,
    examples: [
      ['A password', 'lucky random'],
      ['A number from 1 to 6', 'lucky random --range 1 6'],
      ['A free port', 'lucky random --available-port'],
    ],
  });

  length = Option.String('-l,--length', { description: `Length of the random string (default 24, at most ${MAX_RANDOM_LENGTH})` });
  range = Option.String('-r,--range', { arity: 2, description: 'Inclusive bounds: LOW HIGH' });
  float = Option.Boolean('-f,--float', false, { description: 'A decimal number instead of an integer (needs --range)' });
  availablePort = Option.Boolean('-p,--available-port', false, { description: 'Print a free TCP port' });

  async execute(): Promise<number> {
    // Loaded here, not at the top: node:crypto costs every other command start-up time.
    const { randomInt } = await import('node:crypto');
    if (this.length !== undefined && (this.range || this.availablePort)) throw new UsageError('--length cannot be combined with --range or --available-port');
    if (this.float && !this.range) throw new UsageError('--float needs --range LOW HIGH');
    if (this.float && this.availablePort) throw new UsageError('--float cannot be combined with --available-port');
    const out = this.context.stdout;
    if (this.availablePort) {
      const [low, high] = this.range ? this.bounds(this.range, true) : [1024, 65535];
      if (low < 1 || high > 65535) throw new UsageError('port range must lie within 1-65535');
      out.write(`${await findFreePort(low, high, randomInt)}\n`);
    } else if (this.range) {
      const [low, high] = this.bounds(this.range, !this.float);
      // An offset from low: randomInt(low, high + 1) fails when high + 1 is past Number.MAX_SAFE_INTEGER.
      out.write(`${this.float ? low + Math.random() * (high - low) : low + randomInt(0, high - low + 1)}\n`);
    } else {
      const length = this.length === undefined ? 24 : Number(this.length);
      if (!Number.isInteger(length) || length < 0) throw new UsageError(`Invalid --length "${this.length}": expected a whole number`);
      if (length > MAX_RANDOM_LENGTH) throw new UsageError(`Invalid --length "${this.length}": the longest random string is ${MAX_RANDOM_LENGTH} characters`);
      let text = '';
      for (let i = 0; i < length; i++) text += ALPHABET[randomInt(ALPHABET.length)];
      out.write(`${text}\n`);
    }
    return 0;
  }

  private bounds([lowText, highText]: [string, string], integer: boolean): [number, number] {
    const low = Number(lowText);
    const high = Number(highText);
    const valid = (n: number): boolean => Number.isFinite(n) && (!integer || Number.isSafeInteger(n));
    if (!valid(low) || !valid(high)) throw new UsageError(`Invalid range "${lowText} ${highText}": expected two ${integer ? 'whole ' : ''}numbers`);
    if (low > high || (!integer && low === high)) throw new UsageError(`Lower bound of range cannot be greater than the upper bound: ${lowText} > ${highText}`);
    if (integer && high - low + 1 > MAX_INTEGER_COUNT) {
      throw new UsageError(`Invalid range "${lowText} ${highText}": it holds more than ${MAX_INTEGER_COUNT} whole numbers, the most lucky random draws from`);
    }
    if (!integer && !Number.isFinite(high - low))
      throw new UsageError(`Invalid range "${lowText} ${highText}": the distance between the bounds is too large for a decimal number`);
    return [low, high];
  }
}

/** A random port in [low, high] that can be bound now, else the first free one counting up from low. */
async function findFreePort(low: number, high: number, randomInt: (min: number, max: number) => number): Promise<number> {
  const first = randomInt(low, high + 1);
  if (await canBind(first)) return first;
  for (let port = low; port <= high; port++) if (port !== first && (await canBind(port))) return port;
  throw new LuckyError(ErrorCode.InvalidArgument, `No free TCP port between ${low} and ${high}; pick another --range.`);
}

async function canBind(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}
