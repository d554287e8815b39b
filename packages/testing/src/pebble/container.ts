/**
 * The workload's Docker container, as Pebble would see it from inside: created
 * from the image with its entrypoint replaced by a keep-alive (Pebble is PID 1 in
 * real workload containers, so the image's own entrypoint never runs), and every
 * process started in it as a Docker exec whose host PID can be signalled.
 */
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import Docker from 'dockerode';
import { ErrorCode, LuckyError } from '@lucky/errors';

/** Where the host's static busybox is mounted read-only: the server's own tools inside any image (even one without a shell). */
export const BUSYBOX = '/charm/bin/busybox';
/** The host's busybox; it must be static (Debian's busybox-static) to run in images without a libc. */
const HOST_BUSYBOX = '/bin/busybox';
/** Label that marks containers a Pebble-compatible server made. */
export const SERVER_LABEL = 'lucky.pebble.server';

export interface ContainerMount {
  readonly source: string;
  readonly target: string;
  readonly readOnly?: boolean;
}

export interface SpawnOptions {
  readonly command: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly workingDir?: string;
  /** Docker's `User`: `uid`, `uid:gid`, `name` or `name:group` (default root, as Pebble runs). */
  readonly user?: string;
  readonly stdin?: boolean;
  readonly tty?: boolean;
  readonly onStdout?: (chunk: Buffer) => void;
  readonly onStderr?: (chunk: Buffer) => void;
}

/** A process running in the container. */
export interface ContainerProcess {
  /** Its PID on the host (0 if it ended before Docker reported one). */
  readonly hostPid: number;
  /** The hijacked stream: write stdin to it, end() it to close stdin. */
  readonly stream: Duplex;
  /** Resolves with the exit code once the process has ended and its output is read. */
  readonly exited: Promise<number>;
  /** Signals the process; with `group`, everything it started too (Pebble signals a service's process group). */
  signal(name: NodeJS.Signals | number, group?: boolean): boolean;
}

/** Splits Docker's multiplexed exec stream (8-byte frame headers) into stdout and stderr. */
function demux(stream: Duplex, onStdout: (chunk: Buffer) => void, onStderr: (chunk: Buffer) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  stream.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      const payload = pending.subarray(8, 8 + size);
      if (pending[0] === 2) onStderr(payload);
      else onStdout(payload);
      pending = pending.subarray(8 + size);
    }
  });
}

/** Whether a host PID is a process of this container (its cgroup names the container), so a reused PID is never signalled. */
function belongsTo(pid: number, containerId: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(containerId);
  } catch {
    return false;
  }
}

/** Signals a process and, with `group`, everything it started (read from /proc: Docker execs get no process group of their own). */
function signalTree(containerId: string, pid: number, signal: NodeJS.Signals | number, group: boolean): boolean {
  if (pid <= 0) return false;
  const all = (group ? [...descendants(pid), pid] : [pid]).filter((target) => belongsTo(target, containerId));
  let any = false;
  for (const target of all) {
    try {
      process.kill(target, signal);
      any = true;
    } catch {
      // already gone
    }
  }
  return any;
}

function descendants(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.shift()!;
    let children: string;
    try {
      children = childrenOf(current);
    } catch {
      continue;
    }
    for (const child of children.split(/\s+/).filter(Boolean).map(Number)) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** The PIDs a process started (the children files of its tasks under /proc). */
function childrenOf(pid: number): string {
  return readdirSync(`/proc/${pid}/task`)
    .map((task) => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8'))
    .join(' ');
}

/** How long Docker may take to start an exec (runc on a loaded machine) before the spawn fails. */
const EXEC_START_TIMEOUT_MS = 60_000;

/**
 * The exec's host PID, once Docker has started it. The attach stream comes back before
 * the process exists (Docker answers the upgrade, then runs `runc exec`), and that start
 * can take seconds on a loaded machine: without the PID the process could never be
 * signalled, so a stop would fail. 0 only if the process ended before its PID was seen.
 */
async function startedPid(exec: Docker.Exec, command: readonly string[]): Promise<number> {
  const deadline = Date.now() + EXEC_START_TIMEOUT_MS;
  for (;;) {
    const info = await exec.inspect();
    if (info.Pid > 0) return info.Pid;
    // Not running and an exit code: it has already ended. Not running and none: not started yet.
    if (!info.Running && info.ExitCode !== null) return 0;
    if (Date.now() > deadline) {
      throw new LuckyError(
        ErrorCode.ContainerFailed,
        `Docker did not start ${JSON.stringify(command.join(' '))} within ${EXEC_START_TIMEOUT_MS / 1000} s; check the engine's log (dockerd, containerd).`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export class WorkloadContainer {
  readonly docker: Docker;
  readonly name: string;
  readonly id: string;
  private readonly container: Docker.Container;

  private constructor(docker: Docker, name: string, id: string) {
    this.docker = docker;
    this.name = name;
    this.id = id;
    this.container = docker.getContainer(id);
  }

  /**
   * Creates and starts the container. An existing container of that name made by a
   * server for the same labels is replaced (a restarted pod); any other is refused.
   */
  static async create(options: {
    dockerSocketPath: string;
    name: string;
    image: string;
    mounts: readonly ContainerMount[];
    labels: Readonly<Record<string, string>>;
  }): Promise<WorkloadContainer> {
    const docker = new Docker({ socketPath: options.dockerSocketPath });
    const labels = { ...options.labels, [SERVER_LABEL]: '1' };
    const existing = await docker
      .getContainer(options.name)
      .inspect()
      .catch((error: { statusCode?: number }) => {
        if (error.statusCode === 404) return undefined;
        throw error;
      });
    if (existing) {
      const theirs = existing.Config.Labels ?? {};
      const same = Object.entries(labels).every(([key, value]) => theirs[key] === value);
      if (!same) {
        throw new LuckyError(
          ErrorCode.ContainerFailed,
          `Docker container "${options.name}" already exists and was not made by a Pebble server for these labels; remove it or choose another container name.`,
        );
      }
      await docker.getContainer(existing.Id).remove({ force: true, v: true });
    }
    await docker
      .getImage(options.image)
      .inspect()
      .catch((error: { statusCode?: number; message: string }) => {
        throw new LuckyError(
          ErrorCode.ContainerFailed,
          error.statusCode === 404
            ? `Image "${options.image}" is not in the local Docker engine; build or load it first (images are never pulled for a workload).`
            : `Cannot inspect image "${options.image}": ${error.message}`,
        );
      });
    let busybox: string;
    try {
      busybox = realpathSync(HOST_BUSYBOX);
    } catch {
      throw new LuckyError(
        ErrorCode.ContainerFailed,
        `The Pebble-compatible server needs a static busybox at ${HOST_BUSYBOX} to run in any image; install it (Debian: apt-get install busybox-static).`,
      );
    }
    const binds = [`${busybox}:${BUSYBOX}:ro`, ...options.mounts.map((m) => `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`)];
    const created = await docker.createContainer({
      name: options.name,
      Image: options.image,
      // Pebble is PID 1 in a workload container: the image's entrypoint does not run; docker-init reaps orphans.
      Entrypoint: [BUSYBOX, 'sleep', '2147483647'],
      Cmd: [],
      Labels: labels,
      HostConfig: { Init: true, Binds: binds },
    });
    await created.start();
    // Services are stopped by signalling their host PIDs: this process must see the container's processes.
    const { State } = await created.inspect();
    if (!belongsTo(State.Pid, created.id)) {
      await created.remove({ force: true });
      throw new LuckyError(
        ErrorCode.ContainerFailed,
        `Cannot see the processes of container "${options.name}" from this process (pid ${State.Pid} is not in its cgroup here); run the Pebble server on the Docker host, in its PID namespace.`,
      );
    }
    return new WorkloadContainer(docker, options.name, created.id);
  }

  /** Starts a process in the container (as root unless `user` says otherwise). */
  async spawn(options: SpawnOptions): Promise<ContainerProcess> {
    const env = Object.entries(options.environment ?? {}).map(([key, value]) => `${key}=${value}`);
    const exec = await this.container.exec({
      Cmd: [...options.command],
      Env: env,
      ...(options.workingDir ? { WorkingDir: options.workingDir } : {}),
      User: options.user ?? '0:0',
      AttachStdin: options.stdin ?? false,
      AttachStdout: true,
      AttachStderr: true,
      Tty: options.tty ?? false,
    });
    const stream = await exec.start({ hijack: true, stdin: options.stdin ?? false, Tty: options.tty ?? false });
    const onStdout = options.onStdout ?? (() => undefined);
    const onStderr = options.onStderr ?? (() => undefined);
    if (options.tty) stream.on('data', (chunk: Buffer) => onStdout(chunk));
    else demux(stream, onStdout, onStderr);
    const ended = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    const hostPid = await startedPid(exec, options.command);
    const exited = ended.then(async () => {
      // Docker may report Running a moment after the stream ends.
      for (;;) {
        const info = await exec.inspect();
        if (!info.Running) return info.ExitCode ?? -1;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    });
    return { hostPid, stream, exited, signal: (name, group = false) => signalTree(this.id, hostPid, name, group) };
  }

  /** Runs a command to completion; collects its output. */
  async run(
    command: readonly string[],
    options: Omit<SpawnOptions, 'command' | 'onStdout' | 'onStderr'> & { input?: Buffer } = {},
  ): Promise<{ exitCode: number; stdout: Buffer; stderr: Buffer }> {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const proc = await this.spawn({ ...options, command, stdin: options.input !== undefined, onStdout: (c) => out.push(c), onStderr: (c) => err.push(c) });
    if (options.input !== undefined) proc.stream.end(options.input);
    const exitCode = await proc.exited;
    return { exitCode, stdout: Buffer.concat(out), stderr: Buffer.concat(err) };
  }

  /** Runs a script with the mounted busybox's sh: `$BB` is busybox, `$1…` the arguments. */
  script(text: string, args: readonly string[], options: { input?: Buffer } = {}) {
    return this.run([BUSYBOX, 'sh', '-c', `BB=${BUSYBOX}\n${text}`, 'sh', ...args], options.input === undefined ? {} : { input: options.input });
  }

  /** The container's IP address on its first network (for host-side TCP checks), if any. */
  async ipAddress(): Promise<string | undefined> {
    const info = await this.container.inspect();
    const networks = Object.values(info.NetworkSettings.Networks ?? {});
    return networks.find((n) => n.IPAddress)?.IPAddress || undefined;
  }

  async putArchive(tar: Buffer, path: string): Promise<void> {
    await this.container.putArchive(tar, { path, copyUIDGID: '1' });
  }

  async getArchive(path: string): Promise<Buffer> {
    const stream = await this.container.getArchive({ path });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async remove(): Promise<void> {
    await this.container.remove({ force: true, v: true }).catch((error: { statusCode?: number }) => {
      if (error.statusCode !== 404 && error.statusCode !== 409) throw error;
    });
  }
}
