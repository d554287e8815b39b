import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger, recordMessage, type Logger } from '../src/log.js';
import { emptyState, type UnitState } from '../src/state/schema.js';
import { StateStore } from '../src/state/store.js';

interface Ctx {
  root: string;
  /** A fresh data dir per test. */
  dir: string;
  file: string;
  logs: string[];
  log: Logger;
}

const test = suite<Ctx>('state store');

test.before((ctx) => {
  ctx.root = mkdtempSync(join(tmpdir(), 'lucky-state-'));
});

let dirs = 0;
test.before.each((ctx) => {
  ctx.dir = join(ctx.root, `data-${dirs++}`);
  mkdirSync(ctx.dir);
  ctx.file = join(ctx.dir, 'state.json');
  ctx.logs = [];
  // The logger prints nothing (type hidden); the sink keeps its messages for assertions.
  ctx.log = createLogger({ name: 'test', level: 0, sink: (record) => void ctx.logs.push(recordMessage(record)) });
});

test.after((ctx) => {
  rmSync(ctx.root, { recursive: true, force: true });
});

function onDisk(file: string): UnitState {
  return JSON.parse(readFileSync(file, 'utf8')) as UnitState;
}

function asideFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.startsWith('state.json.corrupt-'));
}

test('a missing file starts empty and is not created until the first mutation', (ctx) => {
  const store = StateStore.open(ctx.file, ctx.log);
  assert.equal(store.data, emptyState());
  assert.not.ok(existsSync(ctx.file));
});

test('a valid file is loaded, with defaults for the optional parts', (ctx) => {
  writeFileSync(ctx.file, JSON.stringify({ version: 1, kv: { a: '1' }, statuses: [{ name: 'db', state: 'blocked', message: 'no db' }], config: { port: 80 } }));
  const store = StateStore.open(ctx.file, ctx.log);
  assert.equal(store.data, {
    version: 1,
    kv: { a: '1' },
    statuses: [{ name: 'db', state: 'blocked', message: 'no db' }],
    config: { port: 80 },
    containers: {},
    plugins: {},
  });
});

test('a mutation applies at once and resolves only once the file on disk has it', async (ctx) => {
  const store = StateStore.open(ctx.file, ctx.log);
  await store.mutate((state) => void (state.kv.first = '1'));
  const saving = store.mutate((state) => void (state.kv.second = '2'));
  // Memory changes synchronously; the write needs the event loop, so the file cannot have it yet.
  assert.is(store.data.kv.second, '2');
  assert.equal(onDisk(ctx.file).kv, { first: '1' });
  await saving;
  assert.equal(onDisk(ctx.file).kv, { first: '1', second: '2' });
});

test('concurrent mutations are all persisted, each resolving only when a write holding it is on disk', async (ctx) => {
  const store = StateStore.open(ctx.file, ctx.log);
  const missing: string[] = [];
  const keys = Array.from({ length: 25 }, (_, i) => `k${i}`);
  await Promise.all(
    keys.map((key) =>
      store
        .mutate((state) => void (state.kv[key] = key))
        .then(() => {
          if (onDisk(ctx.file).kv[key] !== key) missing.push(key);
        }),
    ),
  );
  assert.equal(missing, [], 'resolved before its change was on disk');
  assert.equal(Object.keys(onDisk(ctx.file).kv).sort(), [...keys].sort());
});

test('the file is written with mode 0600, even over a more open existing file', async (ctx) => {
  writeFileSync(ctx.file, JSON.stringify(emptyState()), { mode: 0o644 });
  chmodSync(ctx.file, 0o644);
  const store = StateStore.open(ctx.file, ctx.log);
  await store.mutate((state) => void (state.kv.secret = 'x'));
  assert.is(statSync(ctx.file).mode & 0o777, 0o600);
  // No temp files are left next to it.
  assert.equal(readdirSync(ctx.dir), ['state.json']);
});

test('flushed() waits for the write in flight and the ones queued behind it', async (ctx) => {
  const store = StateStore.open(ctx.file, ctx.log);
  await store.flushed(); // idle: resolves at once
  void store.mutate((state) => void (state.kv.a = '1'));
  void store.mutate((state) => void (state.kv.b = '2'));
  assert.not.ok(existsSync(ctx.file));
  await store.flushed();
  assert.equal(onDisk(ctx.file).kv, { a: '1', b: '2' });
});

test('corrupt JSON is moved aside and the store starts empty', async (ctx) => {
  writeFileSync(ctx.file, '{"version": 1, "kv": {');
  const store = StateStore.open(ctx.file, ctx.log);
  assert.equal(store.data, emptyState());
  assert.not.ok(existsSync(ctx.file));
  const [aside, ...more] = asideFiles(ctx.dir);
  assert.ok(aside, 'a state.json.corrupt-* file');
  assert.equal(more, []);
  assert.is(readFileSync(join(ctx.dir, aside), 'utf8'), '{"version": 1, "kv": {');
  assert.ok(ctx.logs.some((line) => line.includes('is not valid JSON') && line.includes(aside)), ctx.logs.join('\n'));
  // The next write creates a fresh file and leaves the corrupt one alone.
  await store.mutate((state) => void (state.kv.a = '1'));
  assert.equal(onDisk(ctx.file).kv, { a: '1' });
  assert.equal(asideFiles(ctx.dir), [aside]);
});

test('a file that does not match the schema is moved aside and the store starts empty', (ctx) => {
  const text = JSON.stringify({ version: 1, kv: { a: 5 }, statuses: [], config: {} });
  writeFileSync(ctx.file, text);
  const store = StateStore.open(ctx.file, ctx.log);
  assert.equal(store.data, emptyState());
  assert.not.ok(existsSync(ctx.file));
  const [aside] = asideFiles(ctx.dir);
  assert.ok(aside);
  assert.is(readFileSync(join(ctx.dir, aside), 'utf8'), text);
  assert.ok(ctx.logs.some((line) => line.includes('invalid at kv.a')), ctx.logs.join('\n'));
});

test('a failed write rejects every mutation it carried, is logged, and later writes still work', async (ctx) => {
  const store = StateStore.open(ctx.file, ctx.log);
  await store.mutate((state) => void (state.kv.a = '1'));
  // Root ignores permissions, so remove the directory to make the write fail.
  rmSync(ctx.dir, { recursive: true });
  const results = await Promise.allSettled([store.mutate((state) => void (state.kv.b = '2')), store.mutate((state) => void (state.kv.c = '3'))]);
  for (const result of results) {
    assert.is(result.status, 'rejected');
    assert.is(((result as PromiseRejectedResult).reason as NodeJS.ErrnoException).code, 'ENOENT');
  }
  assert.ok(ctx.logs.some((line) => line.startsWith(`Could not save the unit state to ${ctx.file}`)), ctx.logs.join('\n'));
  // The store is not wedged: once the directory is back, the next mutation is saved.
  mkdirSync(ctx.dir);
  await store.mutate((state) => void (state.kv.d = '4'));
  assert.is(onDisk(ctx.file).kv.d, '4');
});

test.run();
