import * as v from 'valibot';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { formatDuration } from './duration.js';
import { PebbleChangeError, PebbleError, PebblePathError, PebbleProtocolError } from './errors.js';
import { execPayload, openExecSockets, receiveStream, sendStdin, signalMessage, type ExecOptions } from './exec.js';
import { httpRequest, type RawResponse } from './http.js';
import { boundaryOf, encodeMultipart, newBoundary, parseMultipart } from './multipart.js';
import {
  ChangeSchema,
  CheckInfoSchema,
  describeIssues,
  EnvelopeSchema,
  ErrorResultSchema,
  ExecResultSchema,
  FileInfoSchema,
  HealthSchema,
  NoticeIdSchema,
  NoticeSchema,
  PathResultSchema,
  PlanSchema,
  ServiceInfoSchema,
  SystemInfoSchema,
  type Envelope,
} from './schemas.js';
import type { Change, CheckInfo, FileInfo, Layer, Notice, ServiceInfo, SystemInfo } from './types.js';

export interface PebbleClientOptions {
  /** Pebble's Unix socket (in a charm container: `/charm/containers/<name>/pebble.socket`). */
  socketPath: string;
  /** Per-request timeout (default 30 s); waits on changes get their own. */
  timeoutMs?: number;
}

export interface ServiceActionOptions {
  /** How long to wait for the change (default: no limit). */
  timeoutMs?: number;
}

export interface PushOptions {
  makeDirs?: boolean;
  permissions?: number;
  user?: string;
  userId?: number;
  group?: string;
  groupId?: number;
}

export interface MakeDirOptions {
  makeParents?: boolean;
  permissions?: number;
  user?: string;
  userId?: number;
  group?: string;
  groupId?: number;
}

type Query = Record<string, string | readonly string[] | undefined>;

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (typeof value === 'string') params.append(key, value);
    else if (value.length > 0) params.append(key, value.join(','));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function octal(permissions: number): string {
  return permissions.toString(8).padStart(3, '0');
}

function toChange(raw: v.InferOutput<typeof ChangeSchema>): Change {
  const change: Change = {
    id: raw.id,
    kind: raw.kind,
    summary: raw.summary,
    status: raw.status,
    ready: raw.ready,
    spawnTime: raw['spawn-time'],
    tasks: raw.tasks.map((t) => ({
      id: t.id,
      kind: t.kind,
      summary: t.summary,
      status: t.status,
      log: t.log,
      progress: { label: t.progress.label, done: t.progress.done, total: t.progress.total },
      spawnTime: t['spawn-time'],
      ...(t['ready-time'] !== undefined && { readyTime: t['ready-time'] }),
      ...(t.data !== undefined && { data: t.data }),
    })),
  };
  if (raw.err !== undefined) change.err = raw.err;
  if (raw['ready-time'] !== undefined) change.readyTime = raw['ready-time'];
  if (raw.data !== undefined) change.data = raw.data;
  return change;
}

/**
 * A client for Pebble's REST API over its Unix socket (the API Juju's workload
 * containers serve), speaking Pebble's own wire formats: the JSON envelope,
 * async changes, multipart files and exec websockets. Every answer is checked
 * with valibot; a malformed one is a PebbleProtocolError naming socket and endpoint.
 */
export class PebbleClient {
  readonly socketPath: string;
  readonly timeoutMs: number;

  constructor(options: PebbleClientOptions) {
    this.socketPath = options.socketPath;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  private where(method: string, path: string): string {
    return `${method} ${path} on ${this.socketPath}`;
  }

  private async raw(
    method: 'GET' | 'POST',
    path: string,
    options: { query?: Query; json?: unknown; body?: Buffer; headers?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<RawResponse> {
    const headers: Record<string, string> = { ...options.headers };
    let body = options.body;
    if (options.json !== undefined) {
      body = Buffer.from(JSON.stringify(options.json), 'utf8');
      headers['Content-Type'] = 'application/json';
    }
    if (body !== undefined) headers['Content-Length'] = String(body.length);
    return httpRequest({
      socketPath: this.socketPath,
      method,
      path: path + queryString(options.query),
      headers,
      ...(body !== undefined && { body }),
      timeoutMs: options.timeoutMs ?? this.timeoutMs,
    });
  }

  /** Parses the JSON envelope; an error envelope becomes a PebbleError. */
  private envelope(method: string, path: string, response: RawResponse): Envelope {
    const where = this.where(method, path);
    let json: unknown;
    try {
      json = JSON.parse(response.body.toString('utf8'));
    } catch {
      throw new PebbleProtocolError(where, `HTTP ${response.statusCode} with a body that is not JSON: ${response.body.toString('utf8').slice(0, 120)}`);
    }
    const parsed = v.safeParse(EnvelopeSchema, json);
    if (!parsed.success) throw new PebbleProtocolError(where, `response envelope ${describeIssues(parsed.issues)}`);
    const envelope = parsed.output;
    if (envelope.type === 'error') {
      const error = v.safeParse(ErrorResultSchema, envelope.result);
      if (!error.success) throw new PebbleProtocolError(where, `error result ${describeIssues(error.issues)}`);
      throw new PebbleError(envelope['status-code'], error.output.message, where, error.output.kind);
    }
    return envelope;
  }

  private check<S extends v.GenericSchema>(schema: S, value: unknown, method: string, path: string, what: string): v.InferOutput<S> {
    const parsed = v.safeParse(schema, value);
    if (!parsed.success) throw new PebbleProtocolError(this.where(method, path), `${what} ${describeIssues(parsed.issues)}`);
    return parsed.output;
  }

  private async sync<S extends v.GenericSchema>(
    schema: S,
    method: 'GET' | 'POST',
    path: string,
    options: Parameters<PebbleClient['raw']>[2] = {},
  ): Promise<v.InferOutput<S>> {
    const envelope = this.envelope(method, path, await this.raw(method, path, options));
    return this.check(schema, envelope.result, method, path, 'result');
  }

  /** Posts and returns the async change id (and the result, for exec's task id). */
  private async async(path: string, json: unknown): Promise<{ change: string; result: unknown }> {
    const envelope = this.envelope('POST', path, await this.raw('POST', path, { json }));
    if (envelope.type !== 'async' || envelope.change === undefined)
      throw new PebbleProtocolError(this.where('POST', path), 'expected an async response with a change id');
    return { change: envelope.change, result: envelope.result };
  }

  async systemInfo(): Promise<SystemInfo> {
    const info = await this.sync(SystemInfoSchema, 'GET', '/v1/system-info');
    return { version: info.version, ...(info['boot-id'] !== undefined && { bootId: info['boot-id'] }) };
  }

  /** True when Pebble reports healthy (200), false when it answers 502 with `healthy: false`. */
  async health(level?: 'alive' | 'ready'): Promise<boolean> {
    const path = '/v1/health';
    const response = await this.raw('GET', path, { query: { level } });
    let json: unknown;
    try {
      json = JSON.parse(response.body.toString('utf8'));
    } catch {
      throw new PebbleProtocolError(this.where('GET', path), `HTTP ${response.statusCode} with a body that is not JSON`);
    }
    // An unhealthy Pebble answers 502 whose result still says `healthy: false`.
    const result = (json as { result?: unknown } | null)?.result;
    if (response.statusCode === 502 && v.is(HealthSchema, result)) return result.healthy;
    const envelope = this.envelope('GET', path, response);
    return this.check(HealthSchema, envelope.result, 'GET', path, 'result').healthy;
  }

  async getPlan(): Promise<Layer> {
    const text = await this.sync(v.string(), 'GET', '/v1/plan', { query: { format: 'yaml' } });
    let plan: unknown;
    try {
      plan = parseYaml(text) ?? {};
    } catch (error) {
      throw new PebbleProtocolError(this.where('GET', '/v1/plan'), `plan is not YAML: ${(error as Error).message}`);
    }
    return this.check(PlanSchema, plan, 'GET', '/v1/plan', 'plan') as Layer;
  }

  async addLayer(label: string, layer: Layer, options: { combine?: boolean } = {}): Promise<void> {
    await this.sync(v.unknown(), 'POST', '/v1/layers', {
      json: { action: 'add', combine: options.combine ?? false, label, format: 'yaml', layer: stringifyYaml(layer) },
    });
  }

  async getServices(names?: readonly string[]): Promise<ServiceInfo[]> {
    const list = await this.sync(v.array(ServiceInfoSchema), 'GET', '/v1/services', { query: { names } });
    return list.map((s) => ({
      name: s.name,
      startup: s.startup,
      current: s.current,
      ...(s['current-since'] !== undefined && { currentSince: s['current-since'] }),
    }));
  }

  private async serviceAction(action: string, names: readonly string[], options: ServiceActionOptions): Promise<Change> {
    const { change } = await this.async('/v1/services', { action, services: names });
    const done = await this.waitChange(change, options.timeoutMs);
    if (done.status !== 'Done' || done.err !== undefined)
      throw new PebbleChangeError(done, `${action} of ${names.length > 0 ? names.join(', ') : 'services'} on ${this.socketPath}`);
    return done;
  }

  startServices(names: readonly string[], options: ServiceActionOptions = {}): Promise<Change> {
    return this.serviceAction('start', names, options);
  }

  stopServices(names: readonly string[], options: ServiceActionOptions = {}): Promise<Change> {
    return this.serviceAction('stop', names, options);
  }

  restartServices(names: readonly string[], options: ServiceActionOptions = {}): Promise<Change> {
    return this.serviceAction('restart', names, options);
  }

  /** Starts `startup: enabled` services and restarts those whose definition changed. */
  replan(options: ServiceActionOptions = {}): Promise<Change> {
    return this.serviceAction('replan', [], options);
  }

  autostart(options: ServiceActionOptions = {}): Promise<Change> {
    return this.serviceAction('autostart', [], options);
  }

  /** Sends a signal (`SIGHUP`…) to running services (`POST /v1/signals`). */
  async sendSignal(signal: string, services: readonly string[]): Promise<void> {
    await this.sync(v.unknown(), 'POST', '/v1/signals', { json: { signal, services } });
  }

  async getChange(id: string): Promise<Change> {
    return toChange(await this.sync(ChangeSchema, 'GET', `/v1/changes/${encodeURIComponent(id)}`));
  }

  /** Waits until the change is ready (Pebble answers 504 if `timeoutMs` passes first) and returns it, whatever its status. */
  async waitChange(id: string, timeoutMs?: number): Promise<Change> {
    const path = `/v1/changes/${encodeURIComponent(id)}/wait`;
    const raw = await this.sync(ChangeSchema, 'GET', path, {
      query: { timeout: timeoutMs === undefined ? undefined : formatDuration(timeoutMs) },
      // The HTTP request outlives Pebble's own wait so its 504 arrives.
      timeoutMs: timeoutMs === undefined ? 0 : timeoutMs + this.timeoutMs,
    });
    return toChange(raw);
  }

  /**
   * Runs a command in the workload container through Pebble's exec websockets;
   * resolves with its exit code (non-zero is not an error). Throws a
   * PebbleChangeError if Pebble ends it (timeout) and a PebbleError if it cannot start.
   */
  async exec(command: readonly string[], options: ExecOptions = {}): Promise<number> {
    const { change, result } = await this.async('/v1/exec', execPayload(command, options));
    const taskId = this.check(ExecResultSchema, result, 'POST', '/v1/exec', 'result')['task-id'];
    const where = `exec of ${JSON.stringify(command[0] ?? '')} on ${this.socketPath}`;
    const sockets = await openExecSockets(this.socketPath, taskId, this.timeoutMs);
    const onAbort = () => void sockets.control.send(signalMessage(options.killSignal ?? 'SIGTERM')).catch(() => undefined);
    try {
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
      const stdout = receiveStream(sockets.stdio, options.onStdout, where);
      const stderr = receiveStream(sockets.stderr, options.onStderr, where);
      const stdin = sendStdin(sockets.stdio, options.stdin).catch(() => undefined);
      // Awaited below; until then (a failed wait skips that) a rejection must not go unhandled.
      for (const stream of [stdout, stderr]) void stream.catch(() => undefined);
      const done = await this.waitChange(change);
      await Promise.all([stdout, stderr, stdin]);
      if (done.err !== undefined || done.status !== 'Done') throw new PebbleChangeError(done, where);
      const exitCode = done.tasks[0]?.data?.['exit-code'];
      if (typeof exitCode !== 'number') throw new PebbleProtocolError(`${where}`, `change ${done.id} has no numeric exit-code in its task data`);
      return exitCode;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      await Promise.all([sockets.control, sockets.stdio, sockets.stderr].map((ws) => (ws.open ? ws.close() : ws.closed)));
    }
  }

  private pathResults(results: readonly v.InferOutput<typeof PathResultSchema>[], where: string): void {
    for (const result of results) {
      if (result.error) throw new PebblePathError(result.path, result.error.kind ?? 'generic-file-error', result.error.message, where);
    }
  }

  async push(path: string, content: string | Buffer, options: PushOptions = {}): Promise<void> {
    const boundary = newBoundary();
    const file: Record<string, unknown> = { path, 'make-dirs': options.makeDirs ?? false };
    if (options.permissions !== undefined) file.permissions = octal(options.permissions);
    if (options.userId !== undefined) file['user-id'] = options.userId;
    if (options.user !== undefined) file.user = options.user;
    if (options.groupId !== undefined) file['group-id'] = options.groupId;
    if (options.group !== undefined) file.group = options.group;
    const body = encodeMultipart(boundary, [
      { name: 'request', contentType: 'application/json', body: JSON.stringify({ action: 'write', files: [file] }) },
      { name: 'files', filename: path, body: content },
    ]);
    const results = await this.sync(v.array(PathResultSchema), 'POST', '/v1/files', {
      body,
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    });
    this.pathResults(results, `push of ${path} on ${this.socketPath}`);
  }

  async pull(path: string): Promise<Buffer> {
    const api = '/v1/files';
    const where = this.where('GET', api);
    const response = await this.raw('GET', api, { query: { action: 'read', path }, headers: { Accept: 'multipart/form-data' } });
    const boundary = boundaryOf(response.headers['content-type']);
    if (boundary === undefined) {
      this.envelope('GET', api, response); // throws Pebble's error if it sent one
      throw new PebbleProtocolError(where, `expected a multipart/form-data answer, got ${response.headers['content-type'] ?? 'no Content-Type'}`);
    }
    let parts;
    try {
      parts = parseMultipart(response.body, boundary);
    } catch (error) {
      throw new PebbleProtocolError(where, (error as Error).message);
    }
    const meta = parts.find((p) => p.name === 'response');
    if (!meta) throw new PebbleProtocolError(where, 'multipart answer has no "response" part');
    const envelope = this.envelope('GET', api, { statusCode: response.statusCode, headers: {}, body: meta.body });
    const results = this.check(v.array(PathResultSchema), envelope.result, 'GET', api, 'result');
    this.pathResults(results, `pull of ${path} on ${this.socketPath}`);
    const file = parts.find((p) => p.name === 'files' && p.filename === path);
    if (!file) throw new PebbleProtocolError(where, `multipart answer has no "files" part for ${path}`);
    return Buffer.from(file.body);
  }

  async listFiles(path: string, options: { pattern?: string; itself?: boolean } = {}): Promise<FileInfo[]> {
    const list = await this.sync(v.array(FileInfoSchema), 'GET', '/v1/files', {
      query: { action: 'list', path, pattern: options.pattern, itself: options.itself === undefined ? undefined : String(options.itself) },
    });
    return list.map((f) => {
      const info: FileInfo = { path: f.path, name: f.name, type: f.type, permissions: parseInt(f.permissions, 8), lastModified: f['last-modified'] };
      if (f.size !== undefined) info.size = f.size;
      if (f.user) info.user = f.user;
      if (typeof f['user-id'] === 'number') info.userId = f['user-id'];
      if (f.group) info.group = f.group;
      if (typeof f['group-id'] === 'number') info.groupId = f['group-id'];
      return info;
    });
  }

  async makeDir(path: string, options: MakeDirOptions = {}): Promise<void> {
    const dir: Record<string, unknown> = { path, 'make-parents': options.makeParents ?? false };
    if (options.permissions !== undefined) dir.permissions = octal(options.permissions);
    if (options.userId !== undefined) dir['user-id'] = options.userId;
    if (options.user !== undefined) dir.user = options.user;
    if (options.groupId !== undefined) dir['group-id'] = options.groupId;
    if (options.group !== undefined) dir.group = options.group;
    const results = await this.sync(v.array(PathResultSchema), 'POST', '/v1/files', { json: { action: 'make-dirs', dirs: [dir] } });
    this.pathResults(results, `make-dirs of ${path} on ${this.socketPath}`);
  }

  async removePath(path: string, options: { recursive?: boolean } = {}): Promise<void> {
    const results = await this.sync(v.array(PathResultSchema), 'POST', '/v1/files', {
      json: { action: 'remove', paths: [{ path, recursive: options.recursive ?? false }] },
    });
    this.pathResults(results, `remove of ${path} on ${this.socketPath}`);
  }

  async getChecks(options: { level?: 'alive' | 'ready'; names?: readonly string[] } = {}): Promise<CheckInfo[]> {
    const list = await this.sync(v.array(CheckInfoSchema), 'GET', '/v1/checks', { query: { level: options.level, names: options.names } });
    return list.map((c) => {
      const info: CheckInfo = { name: c.name, status: c.status, failures: c.failures, threshold: c.threshold };
      if (c.level !== undefined && c.level !== '') info.level = c.level;
      if (c.startup !== undefined) info.startup = c.startup;
      if (c['change-id'] !== undefined) info.changeId = c['change-id'];
      return info;
    });
  }

  async getNotices(options: { types?: readonly string[]; keys?: readonly string[]; after?: string } = {}): Promise<Notice[]> {
    const list = await this.sync(v.array(NoticeSchema), 'GET', '/v1/notices', { query: { types: options.types, keys: options.keys, after: options.after } });
    return list.map((n) => {
      const notice: Notice = {
        id: n.id,
        type: n.type,
        key: n.key,
        firstOccurred: n['first-occurred'],
        lastOccurred: n['last-occurred'],
        lastRepeated: n['last-repeated'],
        occurrences: n.occurrences,
      };
      if (n['last-data'] !== undefined) notice.lastData = n['last-data'];
      if (typeof n['user-id'] === 'number') notice.userId = n['user-id'];
      if (n['repeat-after'] !== undefined) notice.repeatAfter = n['repeat-after'];
      if (n['expire-after'] !== undefined) notice.expireAfter = n['expire-after'];
      return notice;
    });
  }

  /** Records a custom notice (key like `example.com/thing`); returns its id. */
  async notify(key: string, data?: Record<string, string>): Promise<string> {
    const body: Record<string, unknown> = { action: 'add', type: 'custom', key };
    if (data !== undefined) body.data = data;
    return (await this.sync(NoticeIdSchema, 'POST', '/v1/notices', { json: body })).id;
  }
}
