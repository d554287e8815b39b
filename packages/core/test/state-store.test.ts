import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger, recordMessage, type Logger } from '../src/log.js';
import { emptyState, type UnitState } from '../src/state/schema.js';
import { ErrorCode, type LuckyError } from '../src/errors.js';
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

test('a mutation shows in memory only once the file on disk has it', async (ctx) => {
  const store = StateStore.open(ctx.file, ctx.log);
  await store.mutate((state) => void (state.kv.first = '1'));
  const saving = store.mutate((state) => void (state.kv.second = '2'));
  // Nothing is visible before it is durable: readers never see a change that may still fail.
  assert.is(store.data.kv.second, undefined);
  assert.equal(onDisk(ctx.file).kv, { first: '1' });
  await saving;
  assert.is(store.data.kv.second, '2');
  assert.equal(onDisk(ctx.file).kv, { first: '1', second: '2' });
});

test('a change that changes nothing resolves without a write, and later changes are still saved', async (ctx) => {
  const store = StateStore.open(ctx.file, ctx.log);
  await store.mutate(() => undefined);
  await store.mutate((state) => void Object.assign(state.kv, {}));
  await store.mutate((state) => void (state.kv.b = '2'));
  assert.equal(onDisk(ctx.file).kv, { b: '2' });
});

test('a change that throws is rejected alone; the others of its batch are saved', async (ctx) => {
  const store = StateStore.open(ctx.file, ctx.log);
  const results = await Promise.allSettled([
    store.mutate((state) => void (state.kv.a = '1')),
    store.mutate((state) => {
      state.kv.half = 'applied';
      throw new Error('bad change');
    }),
    store.mutate((state) => void (state.kv.b = '2')),
  ]);
  assert.equal(
    results.map((result) => result.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.equal(store.data.kv, { a: '1', b: '2' });
  assert.equal(onDisk(ctx.file).kv, { a: '1', b: '2' });
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
  assert.ok(
    ctx.logs.some((line) => line.includes('was not valid JSON') && line.includes(aside)),
    ctx.logs.join('\n'),
  );
  assert.match(store.problem ?? '', /was not valid JSON .*moved to .*state\.json\.corrupt-/);
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
  assert.ok(
    ctx.logs.some((line) => line.includes('invalid at kv.a')),
    ctx.logs.join('\n'),
  );
});

test('a failed write rejects every mutation it carried, is logged, and later writes still work', async (ctx) => {
  const store = StateStore.open(ctx.file, ctx.log);
  await store.mutate((state) => void (state.kv.a = '1'));
  // Root ignores permissions, so remove the directory to make the write fail.
  rmSync(ctx.dir, { recursive: true });
  const results = await Promise.allSettled([store.mutate((state) => void (state.kv.b = '2')), store.mutate((state) => void (state.kv.c = '3'))]);
  for (const result of results) {
    assert.is(result.status, 'rejected');
    const reason = (result as PromiseRejectedResult).reason as LuckyError;
    assert.is(reason.code, ErrorCode.StateWriteFailed);
    assert.is(reason.data?.errno, 'ENOENT');
    assert.match(reason.message, /nothing of this change was kept/);
  }
  // A write reported as failed changed nothing, in memory or later on disk.
  assert.equal(store.data.kv, { a: '1' });
  assert.ok(
    ctx.logs.some((line) => line.startsWith(`Could not save the unit state to ${ctx.file}`)),
    ctx.logs.join('\n'),
  );
  // The store is not wedged: once the directory is back, the next mutation is saved.
  mkdirSync(ctx.dir);
  await store.mutate((state) => void (state.kv.d = '4'));
  assert.equal(onDisk(ctx.file).kv, { a: '1', d: '4' });
});

/** A store whose snapshot is past the journal threshold (256 KiB). */
async function largeStore(ctx: Ctx): Promise<StateStore> {
  const store = StateStore.open(ctx.file, ctx.log);
  await store.mutate((state) => {
    for (let i = 0; i < 3000; i++) state.kv[`big${i}`] = 'x'.repeat(100);
  });
  return store;
}

test('once the state is large, small changes are journaled and the snapshot is left alone; reopening replays them', async (ctx) => {
  const store = await largeStore(ctx);
  const snapshot = readFileSync(ctx.file, 'utf8');
  await store.mutate((state) => void (state.kv.small = '1'));
  await store.mutate((state) => void delete state.kv.big0);
  await store.mutate((state) => state.statuses.push({ name: 's', state: 'blocked', message: 'm' }));
  assert.is(readFileSync(ctx.file, 'utf8'), snapshot, 'the snapshot was rewritten for a small change');
  const journal = readFileSync(`${ctx.file}.journal`, 'utf8');
  assert.is(journal.trimEnd().split('\n').length, 3);
  assert.ok(journal.length < 400, `journal of ${journal.length} bytes for three small changes`);
  await store.close();
  const reopened = StateStore.open(ctx.file, ctx.log);
  assert.equal(reopened.data, store.data);
  assert.is(reopened.data.kv.small, '1');
  assert.is(reopened.data.kv.big0, undefined);
  assert.equal(reopened.data.statuses, [{ name: 's', state: 'blocked', message: 'm' }]);
});

test('a torn last journal line (a crash mid-append) is dropped; the acknowledged ones before it are kept', async (ctx) => {
  const store = await largeStore(ctx);
  await store.mutate((state) => void (state.kv.kept = 'yes'));
  await store.close();
  writeFileSync(`${ctx.file}.journal`, `${readFileSync(`${ctx.file}.journal`, 'utf8')}[{"s":["kv","torn"],"v":"ha`);
  const reopened = StateStore.open(ctx.file, ctx.log);
  assert.is(reopened.data.kv.kept, 'yes');
  assert.is(reopened.data.kv.torn, undefined);
  assert.ok(readFileSync(`${ctx.file}.journal`, 'utf8').endsWith('\n'), 'the torn tail was cut off');
  await reopened.mutate((state) => void (state.kv.after = '1'));
  await reopened.close();
  assert.is(StateStore.open(ctx.file, ctx.log).data.kv.after, '1');
});

test('the journal is folded into the snapshot once it outgrows it', async (ctx) => {
  const store = await largeStore(ctx);
  const snapshotBytes = statSync(ctx.file).size;
  let rewritten = false;
  for (let i = 0; i < 400 && !rewritten; i++) {
    await store.mutate((state) => void (state.kv[`k${i}`] = 'y'.repeat(1000)));
    rewritten = statSync(ctx.file).size !== snapshotBytes;
  }
  assert.ok(rewritten, 'the snapshot was never rewritten');
  assert.ok(statSync(`${ctx.file}.journal`).size < snapshotBytes);
  await store.close();
  assert.equal(StateStore.open(ctx.file, ctx.log).data, store.data);
});

test('a state written by a newer Lucky is refused and left in place', (ctx) => {
  writeFileSync(ctx.file, JSON.stringify({ ...emptyState(), version: 2 }));
  assert.throws(() => StateStore.open(ctx.file, ctx.log), /has format 2, written by a newer Lucky; this Lucky reads format 1/);
  assert.equal(asideFiles(ctx.dir), []);
  assert.is(JSON.parse(readFileSync(ctx.file, 'utf8')).version, 2);
});

test('temp files of interrupted writes are removed at open', (ctx) => {
  writeFileSync(join(ctx.dir, '.state.json.123.0.tmp'), '{');
  writeFileSync(join(ctx.dir, '.state.json.456.7.tmp'), '');
  writeFileSync(join(ctx.dir, 'other.tmp'), 'kept');
  StateStore.open(ctx.file, ctx.log);
  assert.equal(readdirSync(ctx.dir).sort(), ['other.tmp']);
});

test.run();
