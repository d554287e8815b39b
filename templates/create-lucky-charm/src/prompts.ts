import { createInterface } from 'node:readline';
import { ErrorCode, LuckyError } from '@lucky/errors';

/** Asks one question; resolves to the trimmed answer, or `undefined` when input ended. */
export type Ask = (question: string) => Promise<string | undefined>;

/**
 * Line-based prompts on `input`/`output`. Lines are read through readline's
 * async iterator, which buffers them: piped answers that arrive before their
 * question is asked are kept rather than dropped. Ctrl-C cancels.
 */
export function openPrompts(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, terminal: boolean): { ask: Ask; close: () => void } {
  const rl = createInterface({ input, output, terminal });
  let cancelled = false;
  rl.on('SIGINT', () => {
    cancelled = true;
    output.write('\n');
    rl.close();
  });
  const lines = rl[Symbol.asyncIterator]();
  const ask: Ask = async (question) => {
    rl.setPrompt(question);
    rl.prompt();
    const next = await lines.next();
    if (cancelled) throw new LuckyError(ErrorCode.ScaffoldFailed, 'Cancelled; nothing was written.');
    if (next.done) {
      output.write('\n');
      return undefined;
    }
    // Piped input is not echoed; show the answer so the transcript reads like a terminal session.
    if (!terminal) output.write(`${next.value}\n`);
    return next.value.trim();
  };
  return { ask, close: () => rl.close() };
}

/** Asks with `[default]`; an empty answer, or the end of input, takes the default. */
export async function askWithDefault(
  ask: Ask,
  label: string,
  defaultValue: string,
  problem?: (value: string) => string | undefined,
  output?: NodeJS.WritableStream,
): Promise<string> {
  for (;;) {
    const answer = await ask(`${label} [${defaultValue}]: `);
    const value = answer === undefined || answer === '' ? defaultValue : answer;
    const why = problem?.(value);
    if (why === undefined) return value;
    // At the end of input there is nobody to ask again.
    if (answer === undefined) throw new LuckyError(ErrorCode.ScaffoldFailed, why);
    output?.write(`${why}\n`);
  }
}
