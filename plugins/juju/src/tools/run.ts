import { execa } from 'execa';
import * as v from 'valibot';
import { ErrorCode, LuckyError } from '@lucky/core';

export type ToolEnv = Readonly<Record<string, string>>;

/**
 * Runs one Juju hook tool with an argument array (never through a shell), in the
 * given hook environment, and returns its stdout. A tool's `ERROR …` becomes a
 * `LuckyError` naming the tool; a missing tool is reported as "not in a hook".
 */
export async function runTool(tool: string, args: readonly string[], env: ToolEnv, input?: string): Promise<string> {
  const result = await execa(tool, args, {
    env,
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    timeout: 120_000,
    ...(input === undefined ? { stdin: 'ignore' as const } : { input }),
  });
  if (result.failed && result.exitCode === undefined) {
    const code = (result.cause as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') {
      throw new LuckyError(ErrorCode.HookToolFailed, `The Juju hook tool ${tool} is not on PATH: this needs a running Juju hook (or the Lucky simulator).`, {
        cause: result.cause,
        data: { tool },
      });
    }
    throw new LuckyError(ErrorCode.HookToolFailed, `Could not run the Juju hook tool ${tool}: ${result.shortMessage}`, { cause: result.cause, data: { tool } });
  }
  if (result.exitCode !== 0) {
    const stderr = String(result.stderr).trim();
    const reason = stderr.replace(/^ERROR\s+/, '') || `no error output${result.signal ? `, killed by ${result.signal}` : ''}`;
    throw new LuckyError(ErrorCode.HookToolFailed, `${tool} failed: ${reason} (exit ${result.exitCode ?? result.signal})`, {
      data: { tool, args: [...args], exitCode: result.exitCode, stderr },
    });
  }
  return String(result.stdout);
}

/** Parses a tool's `--format=json` output against a schema, naming the tool when it does not fit. */
export function parseToolJson<S extends v.GenericSchema>(tool: string, stdout: string, schema: S): v.InferOutput<S> {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch {
    throw new LuckyError(ErrorCode.HookToolFailed, `${tool} printed output that is not JSON: ${JSON.stringify(stdout.slice(0, 200))}`, { data: { tool } });
  }
  const result = v.safeParse(schema, data);
  if (!result.success) {
    throw new LuckyError(
      ErrorCode.HookToolFailed,
      `${tool} printed unexpected JSON (${result.issues[0]?.message ?? 'invalid'}): ${stdout.slice(0, 200).trim()}`,
      { data: { tool } },
    );
  }
  return result.output;
}
