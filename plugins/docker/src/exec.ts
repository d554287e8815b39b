import { Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, LuckyError, type OutputSink } from '@lucky/core';
import { engineFailure, statusCode, type Engine } from './engine.js';

export interface ExecOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly output: OutputSink;
  readonly signal?: AbortSignal | undefined;
}

/** A stream that hands each chunk to the sink as text as soon as it arrives (UTF-8 split across chunks kept whole). */
function sink(output: OutputSink, stream: 'stdout' | 'stderr'): Writable & { flushText(): void } {
  const decoder = new StringDecoder('utf8');
  const writable = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const text = decoder.write(chunk);
      if (text) output(stream, text);
      callback();
    },
  });
  return Object.assign(writable, {
    flushText() {
      const rest = decoder.end();
      if (rest) output(stream, rest);
    },
  });
}

/**
 * Runs a command in a running container with the exec API (no TTY, no stdin),
 * streams stdout and stderr separately as they arrive, and resolves with the
 * command's real exit code from exec inspect.
 */
export async function execInContainer(
  engine: Engine,
  containerName: string,
  display: string,
  command: readonly string[],
  options: ExecOptions,
): Promise<number> {
  const { signal } = options;
  signal?.throwIfAborted();
  const container = engine.docker.getContainer(containerName);
  let exec;
  try {
    exec = await container.exec({
      Cmd: [...command],
      Env: Object.entries(options.env).map(([k, v]) => `${k}=${v}`),
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
  } catch (error) {
    const code = statusCode(error);
    if (code === 404)
      throw new LuckyError(ErrorCode.ContainerFailed, `Cannot run ${command[0] ?? 'a command'} in container "${display}" because container does not exist.`);
    if (code === 409)
      throw new LuckyError(
        ErrorCode.ContainerFailed,
        `Cannot run ${command[0] ?? 'a command'} in container "${display}" because container has not been started.`,
      );
    throw engineFailure(`Could not run ${command[0] ?? 'a command'} in container "${display}"`, error);
  }
  const stdout = sink(options.output, 'stdout');
  const stderr = sink(options.output, 'stderr');
  let stream: NodeJS.ReadableStream & { destroy?(error?: Error): void };
  try {
    stream = await exec.start({ hijack: true, stdin: false, Detach: false, Tty: false });
  } catch (error) {
    throw engineFailure(`Could not run ${command[0] ?? 'a command'} in container "${display}"`, error);
  }
  const onAbort = () => stream.destroy?.(new Error('aborted'));
  signal?.addEventListener('abort', onAbort, { once: true });
  // An abort while the exec was being created or started has no listener to hear it.
  if (signal?.aborted) onAbort();
  try {
    engine.docker.modem.demuxStream(stream, stdout, stderr);
    await new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', (error: Error) => (signal?.aborted ? reject(signal.reason) : reject(error)));
    });
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stdout.flushText();
    stderr.flushText();
  }
  signal?.throwIfAborted();
  // The output ends when the process closes it; the exit code follows a moment later.
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    let info;
    try {
      info = await exec.inspect();
    } catch (error) {
      throw engineFailure(`Could not read the exit code of ${command[0] ?? 'a command'} in container "${display}"`, error);
    }
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    signal?.throwIfAborted();
    await sleep(wait);
  }
}
