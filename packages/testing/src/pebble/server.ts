/**
 * A Pebble-compatible server: Pebble's REST API (v1) on a Unix socket, acting on a
 * real Docker container made from the workload's image. In-process; the simulator
 * runs one per workload container through `main.ts`.
 */
import { randomUUID } from 'node:crypto';
import { chmod, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { boundaryOf, parseDuration, parseMultipart, encodeMultipart, newBoundary, type Notice } from '@lucky/plugin-pebble/client';
import { acceptWebSocket } from '@lucky/plugin-pebble/websocket';
import { ChangeStore, type Change } from './changes.js';
import { CheckManager } from './checks.js';
import { WorkloadContainer, type ContainerMount } from './container.js';
import { ExecApi, type ExecPayload } from './exec-api.js';
import { FilesApi, PathError } from './files.js';
import { LogStore } from './logs.js';
import { NoticeStore, toWire } from './notices.js';
import { combine, combineInto, parseLayer, planYaml, validatePlan, type Plan, type PlanLayer } from './plan.js';
import { ApiError, badRequest, envelope, notFound, sendAsync, sendError, sendErrorOnSocket, sendSync } from './responses.js';
import { ServiceManager } from './services.js';
import { containerIds } from './users.js';
import { timeNanos } from './notice-time.js';

/** The version this server reports in `/v1/system-info` (the Pebble API it follows, marked as Lucky's). */
export const PEBBLE_VERSION = 'v1.19.0+lucky';

export type PebbleServerEvent = { kind: 'check-failed' | 'check-recovered'; check: string } | { kind: 'custom-notice'; notice: Notice };

export interface PebbleServerOptions {
  /** Where to listen (the simulator uses `<unit dir>/containers/<name>/pebble.socket`). */
  socketPath: string;
  /** Docker's socket; default DOCKER_HOST (unix://) or /var/run/docker.sock. */
  dockerSocketPath?: string;
  /** Docker container to create and own (name). */
  containerName: string;
  /** The workload's OCI image (must be local; never pulled). */
  image: string;
  mounts?: readonly ContainerMount[];
  labels?: Record<string, string>;
  onEvent?: (event: PebbleServerEvent) => void;
  /** Where warnings go (default: stderr). */
  log?: (message: string) => void;
}

export interface PebbleServer {
  readonly socketPath: string;
  readonly containerId: string;
  close(options?: { removeContainer?: boolean }): Promise<void>;
}

/** DOCKER_HOST when it is a unix:// address, else the default socket. */
export function defaultDockerSocket(): string {
  const host = process.env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return host.slice('unix://'.length);
  return '/var/run/docker.sock';
}

function readBody(req: IncomingMessage, limit = 256 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(badRequest('request body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readJson(req: IncomingMessage, what: string): Promise<Record<string, unknown>> {
  const body = await readBody(req);
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw badRequest(`cannot decode ${what}: ${(error as Error).message}`);
  }
}

/** `?names=a,b&names=c` → [a, b, c] (Pebble's MultiCommaSeparatedList). */
function commaList(params: URLSearchParams, key: string): string[] {
  return params
    .getAll(key)
    .flatMap((value) => value.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

function title(action: string): string {
  return action.charAt(0).toUpperCase() + action.slice(1);
}

/** Starts the container and the API; resolves once the socket answers. */
export async function startPebbleServer(options: PebbleServerOptions): Promise<PebbleServer> {
  const log = options.log ?? ((message: string) => process.stderr.write(`pebble-server: ${message}\n`));
  const container = await WorkloadContainer.create({
    dockerSocketPath: options.dockerSocketPath ?? defaultDockerSocket(),
    name: options.containerName,
    image: options.image,
    mounts: options.mounts ?? [],
    labels: options.labels ?? {},
  });
  const bootId = randomUUID();
  const layers: PlanLayer[] = [];
  let plan: Plan = combine(layers);
  const getPlan = () => plan;
  const notices = new NoticeStore();
  const emit = (event: PebbleServerEvent) => {
    try {
      options.onEvent?.(event);
    } catch (error) {
      log(`onEvent failed: ${(error as Error).message}`);
    }
  };
  const changes = new ChangeStore((change: Change) => {
    const data: Record<string, string> = { kind: change.kind };
    const check = change.data['check-name'];
    if (typeof check === 'string') data['check-name'] = check;
    notices.add('change-update', change.id, data);
  });
  const logs = new LogStore();
  const ids = containerIds(container);
  const services = new ServiceManager({ container, changes, logs, plan: getPlan, ids, warn: log });
  const checks = new CheckManager({
    container,
    changes,
    plan: getPlan,
    ids,
    events: {
      failed: (check) => {
        services.checkFailed(check);
        emit({ kind: 'check-failed', check });
      },
      recovered: (check) => emit({ kind: 'check-recovered', check }),
    },
  });
  const exec = new ExecApi({ container, changes, plan: getPlan, ids });
  const files = new FilesApi(container, ids);
  const inFlight = new Set<AbortController>();

  async function postServices(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const payload = await readJson(req, 'data from request body');
    const action = String(payload.action ?? '');
    let names = Array.isArray(payload.services) ? payload.services.map(String) : [];
    if (action === 'replan' || action === 'autostart') {
      if (names.length > 0) throw badRequest(`${action} accepts no service names`);
      if (action === 'autostart') {
        names = services.defaultServices();
        if (names.length === 0) throw new ApiError(400, 'no default services', 'no-default-services');
      }
    } else if (!['start', 'stop', 'restart'].includes(action)) {
      throw badRequest(`invalid action ${JSON.stringify(action)}`);
    } else if (names.length === 0) {
      throw badRequest(`must specify services for ${action} action`);
    }
    let steps: { action: 'start' | 'stop'; name: string }[];
    try {
      switch (action) {
        case 'start':
        case 'autostart':
          steps = services.startOrder(names).map((name) => ({ action: 'start', name }));
          break;
        case 'stop':
          steps = services.stopOrder(names).map((name) => ({ action: 'stop', name }));
          break;
        case 'restart':
          steps = [
            ...services.stopOrder(names).map((name) => ({ action: 'stop' as const, name })),
            ...services.startOrder(names).map((name) => ({ action: 'start' as const, name })),
          ];
          break;
        default: {
          // replan: stop what changed and runs, start the default services and those.
          const changed = services.changedRunning();
          const start = [...new Set([...services.defaultServices(), ...changed])];
          steps = [
            ...services.stopOrder(changed).map((name) => ({ action: 'stop' as const, name })),
            ...services.startOrder(start).map((name) => ({ action: 'start' as const, name })),
          ];
          names = [...new Set(steps.map((s) => s.name))].sort();
          checks.planChanged();
        }
      }
    } catch (error) {
      if (error instanceof ApiError) throw badRequest(`cannot ${action} services: ${error.message}`);
      throw error;
    }
    const unique = [...new Set(steps.map((s) => s.name))];
    const summary =
      steps.length === 0
        ? `${title(action)} - no services`
        : unique.length === 1
          ? `${title(action)} service ${JSON.stringify(names[0] ?? unique[0])}`
          : `${title(action)} service ${JSON.stringify(names[0] ?? unique[0])} and ${unique.length - 1} more`;
    const change = services.run(action, summary, steps, names.length > 0 ? { 'service-names': names } : undefined);
    sendAsync(res, change.id);
  }

  async function postLayers(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const payload = await readJson(req, 'request body');
    if (payload.action !== 'add') throw badRequest(`invalid action ${JSON.stringify(payload.action)}`);
    const label = String(payload.label ?? '');
    if (label === '') throw badRequest('label must be set');
    if (payload.format !== 'yaml') throw badRequest(`invalid format ${JSON.stringify(payload.format)}`);
    const layer = parseLayer(label, String(payload.layer ?? ''));
    const next = layers.map((l) => ({ ...l, services: { ...l.services }, checks: { ...l.checks }, 'log-targets': { ...l['log-targets'] } }));
    const existing = next.find((l) => l.label === label);
    if (existing) {
      if (payload.combine !== true) throw badRequest(`layer ${JSON.stringify(label)} already exists`);
      combineInto(existing, layer);
    } else {
      layer.order = next.reduce((max, l) => Math.max(max, l.order), 0) + 1;
      next.push(layer);
    }
    const combined = combine(next);
    validatePlan(combined);
    layers.splice(0, layers.length, ...next);
    plan = combined;
    checks.planChanged();
    sendSync(res, true);
  }

  async function postFiles(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const contentType = req.headers['content-type'] ?? '';
    const media = contentType.split(';')[0]!.trim().toLowerCase();
    if (media === 'multipart/form-data') {
      const boundary = boundaryOf(contentType);
      if (!boundary || boundary.length < 32) throw badRequest(`invalid boundary ${JSON.stringify(boundary ?? '')}`);
      let parts;
      try {
        parts = parseMultipart(await readBody(req), boundary);
      } catch (error) {
        throw badRequest(`cannot read request metadata: ${(error as Error).message}`);
      }
      const [meta, ...rest] = parts;
      if (!meta) throw badRequest('cannot read request metadata: EOF');
      if (meta.name !== 'request') throw badRequest(`metadata field name must be "request", got ${JSON.stringify(meta.name ?? '')}`);
      let request: { action?: unknown; files?: { path: string }[] };
      try {
        request = JSON.parse(meta.body.toString('utf8')) as typeof request;
      } catch (error) {
        throw badRequest(`cannot decode request metadata: ${(error as Error).message}`);
      }
      if (request.action !== 'write') throw badRequest(`multipart action must be "write", got ${JSON.stringify(request.action)}`);
      const items = Array.isArray(request.files) ? request.files : [];
      if (items.length === 0) throw badRequest('must specify one or more files');
      const errors = new Map<string, unknown>();
      for (const part of rest) {
        if (part.name !== 'files') throw badRequest(`field name must be "files", got ${JSON.stringify(part.name ?? '')}`);
        const item = items.find((f) => f.path === part.filename);
        if (!item) throw badRequest(`no metadata for path ${JSON.stringify(part.filename ?? '')}`);
        errors.set(
          item.path,
          await files.write(item, part.body).then(
            () => undefined,
            (error: unknown) => error,
          ),
        );
      }
      const result = items.map((item) => {
        const error = errors.has(item.path)
          ? errors.get(item.path)
          : new PathError('generic-file-error', `no file content for path ${JSON.stringify(item.path)}`);
        return pathResult(item.path, error);
      });
      sendSync(res, result);
      return;
    }
    if (media !== 'application/json') throw badRequest(`invalid media type ${JSON.stringify(media)}`);
    const payload = await readJson(req, 'request body');
    if (payload.action === 'make-dirs') {
      const dirs = (Array.isArray(payload.dirs) ? payload.dirs : []) as { path: string }[];
      const result = [];
      for (const dir of dirs)
        result.push(
          pathResult(
            dir.path,
            await files.makeDir(dir).then(
              () => undefined,
              (error: unknown) => error,
            ),
          ),
        );
      sendSync(res, result);
    } else if (payload.action === 'remove') {
      const paths = (Array.isArray(payload.paths) ? payload.paths : []) as { path: string; recursive?: boolean }[];
      const result = [];
      for (const item of paths)
        result.push(
          pathResult(
            item.path,
            await files.remove(item).then(
              () => undefined,
              (error: unknown) => error,
            ),
          ),
        );
      sendSync(res, result);
    } else if (payload.action === 'write') {
      throw badRequest('must use multipart with "write" action');
    } else throw badRequest(`invalid action ${JSON.stringify(payload.action)}`);
  }

  async function getFiles(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    const action = query.get('action') ?? '';
    if (action === 'list') {
      const path = query.get('path') ?? '';
      if (path === '') throw badRequest('must specify path');
      const itself = query.get('itself') ?? '';
      if (itself !== '' && itself !== 'true' && itself !== 'false') throw badRequest('itself parameter must be "true" or "false"');
      sendSync(res, await files.list(path, query.get('pattern') ?? '', itself === 'true'));
      return;
    }
    if (action !== 'read') throw badRequest(`invalid action ${JSON.stringify(action)}`);
    const paths = query.getAll('path');
    if (paths.length === 0) throw badRequest('must specify one or more paths');
    if (req.headers.accept !== 'multipart/form-data') throw badRequest('must accept multipart/form-data');
    const boundary = newBoundary();
    const parts: Parameters<typeof encodeMultipart>[1][number][] = [];
    const result = [];
    for (const path of paths) {
      try {
        parts.push({ name: 'files', filename: path, body: await files.read(path) });
        result.push({ path });
      } catch (error) {
        result.push(pathResult(path, error));
      }
    }
    parts.push({ name: 'response', contentType: 'application/json', body: `${envelope('sync', 200, result)}\n` });
    const body = encodeMultipart(boundary, parts);
    res.writeHead(200, { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': body.length });
    res.end(body);
  }

  function getLogs(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    const names = commaList(query, 'services');
    const nText = query.get('n');
    const n = nText === null || nText === '' ? 30 : Number(nText);
    if (!Number.isInteger(n) || n < -1) throw badRequest(`n must be -1, 0, or a positive integer`);
    const follow = query.get('follow') === 'true';
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    const line = (entry: { time: string; service: string; message: string }) => `${JSON.stringify(entry)}\n`;
    res.write(logs.recent(names, n).map(line).join(''));
    if (!follow) {
      res.end();
      return;
    }
    const stop = logs.follow((entry) => {
      if (names.length === 0 || names.includes(entry.service)) res.write(line(entry));
    });
    req.on('close', stop);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const query = url.searchParams;
    const method = req.method ?? 'GET';
    const only = (...allowed: string[]) => {
      if (!allowed.includes(method)) throw new ApiError(405, `method ${JSON.stringify(method)} not allowed`);
    };
    if (path === '/v1/system-info') {
      only('GET');
      sendSync(res, { version: PEBBLE_VERSION, 'boot-id': bootId, 'http-address': '' });
    } else if (path === '/v1/health') {
      only('GET');
      const level = query.get('level') ?? '';
      if (level !== '' && level !== 'alive' && level !== 'ready') throw badRequest('level must be "alive" or "ready"');
      const healthy = checks.healthy(level === '' ? undefined : level, commaList(query, 'names'));
      sendSync(res, { healthy }, healthy ? 200 : 502);
    } else if (path === '/v1/plan') {
      only('GET');
      const format = query.get('format') ?? '';
      if (format !== 'yaml') throw badRequest(`invalid format ${JSON.stringify(format)}`);
      sendSync(res, planYaml(plan));
    } else if (path === '/v1/layers') {
      only('POST');
      await postLayers(req, res);
    } else if (path === '/v1/services') {
      only('GET', 'POST');
      if (method === 'GET') sendSync(res, services.list(commaList(query, 'names')));
      else await postServices(req, res);
    } else if (path === '/v1/changes') {
      only('GET');
      const select = query.get('select') ?? 'in-progress';
      if (select !== 'all' && select !== 'in-progress' && select !== 'ready') throw badRequest(`select should be one of: all,in-progress,ready`);
      sendSync(
        res,
        changes.list(select).map((c) => c.toJSON()),
      );
    } else if (/^\/v1\/changes\/[^/]+(\/wait)?$/.test(path)) {
      only('GET', 'POST');
      const [, , , id = '', wait] = path.split('/');
      const change = changes.get(decodeURIComponent(id));
      if (!change) throw notFound(`cannot find change with id ${JSON.stringify(decodeURIComponent(id))}`);
      if (wait === 'wait') {
        const timeoutText = query.get('timeout');
        let timeoutMs: number | undefined;
        if (timeoutText) {
          timeoutMs = parseDuration(timeoutText);
          if (timeoutMs === undefined)
            throw badRequest(`invalid timeout ${JSON.stringify(timeoutText)}: time: invalid duration ${JSON.stringify(timeoutText)}`);
        }
        const abort = new AbortController();
        inFlight.add(abort);
        req.on('close', () => abort.abort());
        const ready = await change.wait(timeoutMs, abort.signal);
        inFlight.delete(abort);
        if (abort.signal.aborted && !ready) return;
        if (!ready) throw new ApiError(504, `timed out waiting for change after ${timeoutText}`);
      }
      sendSync(res, change.toJSON());
    } else if (path === '/v1/exec') {
      only('POST');
      const payload = (await readJson(req, 'request body')) as ExecPayload;
      const started = await exec.start(payload);
      sendAsync(res, started.change.id, started.result);
    } else if (path === '/v1/files') {
      only('GET', 'POST');
      if (method === 'GET') await getFiles(req, res, query);
      else await postFiles(req, res);
    } else if (path === '/v1/checks') {
      only('GET');
      const level = query.get('level') ?? '';
      if (level !== '' && level !== 'alive' && level !== 'ready') throw badRequest(`level must be "alive" or "ready"`);
      sendSync(res, checks.list(level, commaList(query, 'names')));
    } else if (path === '/v1/notices') {
      only('GET', 'POST');
      if (method === 'POST') {
        const payload = await readJson(req, 'request body');
        if (payload.action !== 'add') throw badRequest(`invalid action ${JSON.stringify(payload.action)}`);
        if (payload.type !== 'custom') throw badRequest(`invalid type ${JSON.stringify(payload.type)}; only "custom" notices can be added`);
        const key = String(payload.key ?? '');
        NoticeStore.checkCustomKey(key);
        const data = payload.data === undefined || payload.data === null ? undefined : (payload.data as Record<string, string>);
        if (data !== undefined && (typeof data !== 'object' || Object.values(data).some((value) => typeof value !== 'string')))
          throw badRequest('data must be a map of strings');
        const notice = notices.add('custom', key, data);
        sendSync(res, { id: notice.id });
        emit({ kind: 'custom-notice', notice: { ...notice } });
        return;
      }
      const after = query.get('after') ?? undefined;
      if (after !== undefined && timeNanos(after) === undefined) throw badRequest(`invalid "after" timestamp: ${JSON.stringify(after)}`);
      const filter = { types: commaList(query, 'types'), keys: commaList(query, 'keys'), ...(after !== undefined && { after }) };
      const timeoutText = query.get('timeout');
      let list: Notice[];
      if (timeoutText) {
        const timeoutMs = parseDuration(timeoutText);
        if (timeoutMs === undefined) throw badRequest(`invalid timeout: ${JSON.stringify(timeoutText)}`);
        const abort = new AbortController();
        inFlight.add(abort);
        req.on('close', () => abort.abort());
        list = await notices.wait(filter, timeoutMs, abort.signal);
        inFlight.delete(abort);
      } else list = notices.list(filter);
      sendSync(res, list.map(toWire));
    } else if (/^\/v1\/notices\/[^/]+$/.test(path)) {
      only('GET');
      const id = decodeURIComponent(path.split('/')[3] ?? '');
      const notice = notices.get(id);
      if (!notice) throw notFound(`cannot find notice with ID ${JSON.stringify(id)}`);
      sendSync(res, toWire(notice));
    } else if (path === '/v1/signals') {
      only('POST');
      const payload = await readJson(req, 'request body');
      const names = Array.isArray(payload.services) ? payload.services.map(String) : [];
      if (names.length === 0) throw badRequest('must specify one or more services');
      services.sendSignal(names, String(payload.signal ?? ''));
      sendSync(res, true);
    } else if (path === '/v1/logs') {
      only('GET');
      getLogs(req, res, query);
    } else {
      throw notFound('not found');
    }
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof ApiError) sendError(res, error);
      else {
        log(`internal error on ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`);
        sendError(res, new ApiError(500, (error as Error).message));
      }
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const match = /^\/v1\/tasks\/([^/]+)\/websocket\/([^/?]+)/.exec(req.url ?? '');
    if (!match) {
      sendErrorOnSocket(socket, notFound('not found'));
      return;
    }
    const taskId = decodeURIComponent(match[1]!);
    const id = decodeURIComponent(match[2]!);
    const wanted = exec.wants(taskId, id);
    if (wanted === 'no-task') {
      sendErrorOnSocket(socket, notFound(`cannot find task with id ${JSON.stringify(taskId)}`));
      return;
    }
    if (wanted === 'no-websocket') {
      sendErrorOnSocket(socket, notFound(`websocket for id ${JSON.stringify(id)} not found`));
      return;
    }
    const ws = acceptWebSocket(req, socket, head);
    if (ws) {
      ws.on('error', () => undefined);
      exec.attach(taskId, id, ws);
    }
  });

  await rm(options.socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Pebble's socket is for root and the workload's users alike (it lives in the shared /charm/container).
  await chmod(options.socketPath, 0o666);

  let closed = false;
  return {
    socketPath: options.socketPath,
    containerId: container.id,
    async close(closeOptions = {}) {
      if (closed) return;
      closed = true;
      checks.close();
      exec.close();
      for (const abort of inFlight) abort.abort();
      await services.stopAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(options.socketPath, { force: true });
      if (closeOptions.removeContainer) await container.remove();
    },
  };
}

function pathResult(path: string, error: unknown): Record<string, unknown> {
  if (error === undefined) return { path };
  if (error instanceof PathError) return { path, error: { message: error.message, kind: error.kind } };
  return { path, error: { message: (error as Error).message ?? String(error), kind: 'generic-file-error' } };
}
