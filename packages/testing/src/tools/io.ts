/**
 * Where a hook tool's output goes and its input comes from. A tool run as its own
 * process uses the process's streams; the model server (server/) runs many tools at
 * once in one process, each with the streams, environment and cwd of the client that
 * called it, kept apart by AsyncLocalStorage.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { userInfo } from 'node:os';

export interface ToolIO {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** The caller's umask, for files a tool writes (`-o`); null when the process's own applies. */
  readonly umask: number | null;
  stdout(text: string): void;
  stderr(text: string): void;
  /** All of the caller's standard input (read only by tools that need it, e.g. `relation-set --file -`). */
  readStdin(): Promise<Buffer>;
}

/** The process's own streams, environment and cwd: a tool run as a process. */
export function processIO(): ToolIO {
  return {
    env: process.env,
    cwd: process.cwd(),
    umask: null,
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
  };
}

const current = new AsyncLocalStorage<ToolIO>();

/** Runs `fn` with `io` as the tool I/O of everything it calls. */
export function withToolIO<T>(io: ToolIO, fn: () => Promise<T>): Promise<T> {
  return current.run(io, fn);
}

/** The I/O of the tool running now (the process's outside a server). */
export function toolIO(): ToolIO {
  return current.getStore() ?? processIO();
}

/** `~` for a tool: the caller's HOME, else the user's home directory, as os.homedir() in the caller's process would say. */
export function toolHome(): string {
  // libuv's uv_os_homedir: HOME when it is set (even empty), else the password database.
  return toolIO().env.HOME ?? userInfo().homedir;
}
