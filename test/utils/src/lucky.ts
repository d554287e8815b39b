import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/** The real `lucky` executable of this workspace (run `pnpm build` first). */
export const LUCKY_BIN = fileURLToPath(new URL('../../../packages/cli/bin/lucky.cjs', import.meta.url));

export interface LuckyResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `lucky <args>` as a separate process with exactly `env` (plus PATH and HOME). */
export async function lucky(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<LuckyResult> {
  const result = await execa(process.execPath, [LUCKY_BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    stdin: 'ignore',
    timeout: 60_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
