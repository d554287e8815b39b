import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger, recordMessage, scriptOutputLog } from '../src/log.js';
import { DEFAULT_LOG_FILES, DEFAULT_LOG_MAX_BYTES, LogFile, logRotationFromEnv } from '../src/log-file.js';

interface Ctx {
  dir: string;
}

const test = suite<Ctx>('log file: size rotation, modes, failures, compact script output');

test.before.each((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'lucky-log-'));
});

test.after.each((ctx) => {
  rmSync(ctx.dir, { recursive: true, force: true });
});

/** The files of a rotated log, oldest first: `path.<n>` … `path.1`, `path`. */
function rotated(path: string): string[] {
  const dir = join(path, '..');
  const base = path.slice(dir.length + 1);
  const numbers = readdirSync(dir)
    .map((name) => (name === base ? 0 : name.startsWith(`${base}.`) ? Number(name.slice(base.length + 1)) : NaN))
    .filter((n) => Number.isInteger(n))
    .sort((a, b) => b - a);
  return numbers.map((n) => (n === 0 ? path : `${path}.${n}`));
}

function linesOf(files: readonly string[]): string[] {
  return files.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    assert.ok(text === '' || text.endsWith('\n'), `${file} ends in the middle of a line`);
    return text.split('\n').slice(0, -1);
  });
}

const line = (i: number): string => `line ${String(i).padStart(6, '0')} ${'x'.repeat(87)}`; // 99 bytes + newline

test('rotates when the next line would pass the limit, keeps the file count and drops the oldest', async (ctx) => {
  const path = join(ctx.dir, 'daemon.log');
  const file = new LogFile({ path, maxBytes: 1000, files: 3 });
  for (let i = 0; i < 95; i++) file.append(line(i));
  await file.flush();
  const files = rotated(path);
  assert.equal(files, [`${path}.2`, `${path}.1`, path]);
  for (const name of files) assert.ok(statSync(name).size <= 1000, `${name} is ${statSync(name).size} bytes`);
  assert.is(statSync(`${path}.2`).size, 1000);
  assert.is(statSync(`${path}.1`).size, 1000);
  // 10 lines a file: 9 rotations; the files hold the last 25 lines, in order.
  assert.equal(
    linesOf(files),
    Array.from({ length: 25 }, (_, i) => line(70 + i)),
  );
  file.close();
});

test('the size of an existing file is taken at open, so it rotates on the first line that does not fit', async (ctx) => {
  const path = join(ctx.dir, 'daemon.log');
  writeFileSync(path, `${'o'.repeat(949)}\n`);
  const file = new LogFile({ path, maxBytes: 1000, files: 2 });
  file.append(line(0));
  await file.flush();
  assert.is(readFileSync(`${path}.1`, 'utf8'), `${'o'.repeat(949)}\n`);
  assert.is(readFileSync(path, 'utf8'), `${line(0)}\n`);
  file.close();
});

test('one file means truncating in place; a record larger than the limit gets a file of its own', async (ctx) => {
  const path = join(ctx.dir, 'one.log');
  const file = new LogFile({ path, maxBytes: 250, files: 1 });
  for (let i = 0; i < 5; i++) file.append(line(i));
  await file.flush();
  assert.equal(rotated(path), [path]);
  assert.is(readFileSync(path, 'utf8'), `${line(4)}\n`);
  const big = 'B'.repeat(600);
  file.append(big);
  file.append(line(5));
  await file.flush();
  assert.is(readFileSync(path, 'utf8'), `${line(5)}\n`);
  file.close();
  const two = new LogFile({ path: join(ctx.dir, 'two.log'), maxBytes: 250, files: 3 });
  two.append(line(0));
  two.append(big);
  two.append(line(1));
  await two.flush();
  assert.equal(linesOf(rotated(join(ctx.dir, 'two.log'))), [line(0), big, line(1)]);
  two.close();
});

test('lines written by concurrent producers across many rotations are all kept, each producer in order', async (ctx) => {
  const path = join(ctx.dir, 'daemon.log');
  const file = new LogFile({ path, maxBytes: 16 * 1024, files: 10_000 });
  const producers = 12;
  const perProducer = 2000;
  await Promise.all(
    Array.from({ length: producers }, async (_, p) => {
      for (let i = 0; i < perProducer; i++) {
        // Unicode and uneven lengths: the byte counting must not drift.
        file.append(`p${p} ${i} ${'é'.repeat((i * 7 + p) % 40)}`);
        if (i % (p + 3) === 0) await new Promise((resolve) => setImmediate(resolve));
        else if (i % 5 === 0) await Promise.resolve();
      }
    }),
  );
  // Some lines are still queued for the end of this turn: flush writes them too.
  await file.flush();
  file.close();
  const files = rotated(path);
  assert.ok(files.length > 50, `only ${files.length} files: not enough rotations to test`);
  for (const name of files) {
    assert.ok(statSync(name).size <= 16 * 1024, `${name} is ${statSync(name).size} bytes`);
    assert.is(statSync(name).mode & 0o777, 0o600, name);
  }
  const seen = Array.from({ length: producers }, () => [] as number[]);
  for (const text of linesOf(files)) {
    const [p, i] = text.split(' ');
    seen[Number(p!.slice(1))]!.push(Number(i));
  }
  for (const got of seen)
    assert.equal(
      got,
      Array.from({ length: perProducer }, (_, i) => i),
    );
});

test('log files are created 0600 whatever the umask, and a wider existing one is narrowed', async (ctx) => {
  const old = process.umask(0);
  try {
    const path = join(ctx.dir, 'sub', 'daemon.log');
    const file = new LogFile({ path, maxBytes: 300, files: 3 });
    for (let i = 0; i < 10; i++) file.append(line(i));
    await file.flush();
    for (const name of rotated(path)) assert.is(statSync(name).mode & 0o777, 0o600, name);
    assert.is(statSync(join(ctx.dir, 'sub')).mode & 0o777, 0o700);
    file.close();
    const wide = join(ctx.dir, 'wide.log');
    writeFileSync(wide, 'old\n', { mode: 0o644 });
    assert.is(statSync(wide).mode & 0o777, 0o644);
    const again = new LogFile({ path: wide });
    again.append('new');
    await again.flush();
    assert.is(statSync(wide).mode & 0o777, 0o600);
    assert.is(readFileSync(wide, 'utf8'), 'old\nnew\n');
    again.close();
  } finally {
    process.umask(old);
  }
});

test('a rotation that fails is reported once, never throws, and logging goes on in the current file', async (ctx) => {
  const path = join(ctx.dir, 'daemon.log');
  // A directory where path.1 must go: rename(path, path.1) fails with EISDIR.
  mkdirSync(`${path}.1`);
  writeFileSync(join(`${path}.1`, 'keep'), '');
  const reports: string[] = [];
  const file = new LogFile({ path, maxBytes: 300, files: 2, onError: (message) => void reports.push(message) });
  for (let i = 0; i < 40; i++) {
    file.append(line(i));
    if (i % 3 === 0) await file.flush();
  }
  await file.flush();
  assert.is(reports.length, 1, reports.join('\n'));
  assert.match(reports[0]!, `Could not rotate the log file ${path}`);
  assert.equal(
    linesOf([path]),
    Array.from({ length: 40 }, (_, i) => line(i)),
  );
  // Once the obstacle is gone, the next rotation works, and a later failure is reported again.
  rmSync(`${path}.1`, { recursive: true });
  for (let i = 40; i < 43; i++) file.append(line(i));
  await file.flush();
  assert.equal(rotated(path), [`${path}.1`, path]);
  assert.equal(
    linesOf(rotated(path)),
    Array.from({ length: 43 }, (_, i) => line(i)),
  );
  rmSync(`${path}.1`);
  mkdirSync(`${path}.1`);
  writeFileSync(join(`${path}.1`, 'keep'), '');
  for (let i = 43; i < 50; i++) file.append(line(i));
  await file.flush();
  assert.is(reports.length, 2, reports.join('\n'));
  file.close();
});

test('a file that cannot be opened is reported once and drops lines without throwing', async (ctx) => {
  const blocker = join(ctx.dir, 'not-a-dir');
  writeFileSync(blocker, '');
  const reports: string[] = [];
  const file = new LogFile({ path: join(blocker, 'daemon.log'), onError: (message) => void reports.push(message) });
  for (let i = 0; i < 5; i++) {
    file.append(line(i));
    await file.flush();
  }
  assert.is(reports.length, 1);
  assert.match(reports[0]!, /Could not open the log file .*not-a-dir\/daemon\.log/);
  file.close();
});

test('lines still queued when the process exits are written by the exit hook', async (ctx) => {
  const path = join(ctx.dir, 'exit.log');
  const module = fileURLToPath(new URL('../src/log-file.ts', import.meta.url));
  const script = `import { LogFile } from ${JSON.stringify(module)};
const file = new LogFile({ path: ${JSON.stringify(path)}, maxBytes: 1000, files: 2 });
for (let i = 0; i < 30; i++) file.append('exit line ' + i);
process.exit(3);`;
  const child = await execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { reject: false });
  assert.is(child.exitCode, 3, String(child.stderr));
  assert.equal(
    linesOf(rotated(path)),
    Array.from({ length: 30 }, (_, i) => `exit line ${i}`),
  );
});

test('LUCKY_LOG_MAX_BYTES and LUCKY_LOG_FILES configure rotation; bad values keep the defaults and say so', () => {
  assert.equal(logRotationFromEnv({}), { maxBytes: DEFAULT_LOG_MAX_BYTES, files: DEFAULT_LOG_FILES, problems: [] });
  assert.equal(DEFAULT_LOG_MAX_BYTES, 10 * 1024 * 1024);
  assert.equal(DEFAULT_LOG_FILES, 3);
  assert.equal(logRotationFromEnv({ LUCKY_LOG_MAX_BYTES: '1048576', LUCKY_LOG_FILES: '5' }), { maxBytes: 1048576, files: 5, problems: [] });
  assert.is(logRotationFromEnv({ LUCKY_LOG_MAX_BYTES: '2M' }).maxBytes, 2 * 1024 * 1024);
  assert.is(logRotationFromEnv({ LUCKY_LOG_MAX_BYTES: '64KiB' }).maxBytes, 64 * 1024);
  const bad = logRotationFromEnv({ LUCKY_LOG_MAX_BYTES: 'lots', LUCKY_LOG_FILES: '0' });
  assert.is(bad.maxBytes, DEFAULT_LOG_MAX_BYTES);
  assert.is(bad.files, DEFAULT_LOG_FILES);
  assert.is(bad.problems.length, 2);
  assert.match(bad.problems[0]!, 'LUCKY_LOG_MAX_BYTES="lots"');
});

test('createLogger writes every record through the rotating file, as JSON lines', async (ctx) => {
  const path = join(ctx.dir, 'daemon.log');
  const log = createLogger({ name: 'lucky-daemon', level: 3, file: path, maxBytes: 2000, files: 2 });
  for (let i = 0; i < 40; i++) log.info(`record ${i}`);
  log.debug('not at info level');
  await log.flush();
  const files = rotated(path);
  assert.equal(files, [`${path}.1`, path]);
  const records = linesOf(files).map((text) => JSON.parse(text) as Record<string, unknown>);
  assert.ok(records.length > 2);
  assert.is(records.at(-1)!.message, 'record 39');
  assert.is((records.at(-1)!._logMeta as { name: string }).name, 'lucky-daemon');
  assert.not.ok(linesOf(files).some((text) => text.includes('not at info level')));
  assert.is(statSync(path).mode & 0o777, 0o600);
});

test('script output is stored compactly at info level, split into lines, and gated by the level', async (ctx) => {
  const path = join(ctx.dir, 'daemon.log');
  const log = createLogger({ name: 'lucky-daemon', level: 3, file: path });
  const output = scriptOutputLog(log, 'install');
  output.write('stdout', 'one\ntw');
  output.write('stderr', 'oops\n');
  output.write('stdout', 'o "quoted"\nthree');
  output.end();
  await log.flush();
  const records = linesOf([path]).map((text) => JSON.parse(text) as { t: string; hook: string; s: string; lines: string[] });
  assert.equal(
    records.map(({ hook, s, lines }) => ({ hook, s, lines })),
    [
      { hook: 'install', s: 'out', lines: ['one'] },
      { hook: 'install', s: 'err', lines: ['oops'] },
      { hook: 'install', s: 'out', lines: ['two "quoted"'] },
      { hook: 'install', s: 'out', lines: ['three'] },
    ],
  );
  assert.ok(!Number.isNaN(Date.parse(records[0]!.t)));
  // A line that never ends is logged in 64 KiB pieces rather than held without bound.
  const long = scriptOutputLog(log, 'long');
  long.write('stdout', 'z'.repeat(150 * 1024));
  long.end();
  await log.flush();
  const pieces = linesOf([path])
    .map((text) => JSON.parse(text) as { hook: string; lines: string[] })
    .filter((r) => r.hook === 'long')
    .flatMap((r) => r.lines);
  assert.equal(
    pieces.map((piece) => piece.length),
    [64 * 1024, 64 * 1024, 22 * 1024],
  );
  // So is a long line that arrives whole.
  const whole = scriptOutputLog(log, 'whole');
  whole.write('stderr', `${'w'.repeat(100 * 1024)}\nshort\n`);
  await log.flush();
  const wholeLines = linesOf([path])
    .map((text) => JSON.parse(text) as { hook: string; lines: string[] })
    .filter((r) => r.hook === 'whole')
    .flatMap((r) => r.lines);
  assert.equal(
    wholeLines.map((piece) => piece.length),
    [64 * 1024, 36 * 1024, 5],
  );

  const quiet = join(ctx.dir, 'quiet.log');
  const warnOnly = createLogger({ name: 'lucky-daemon', level: 4, file: quiet });
  const muted = scriptOutputLog(warnOnly, 'install');
  muted.write('stdout', 'hidden\n');
  muted.end();
  warnOnly.warn('shown');
  await warnOnly.flush();
  const text = readFileSync(quiet, 'utf8');
  assert.not.match(text, 'hidden');
  assert.match(text, 'shown');
});

test('a logger without a file still gets one info record per output line', () => {
  const seen: string[] = [];
  const log = createLogger({ name: 'test', level: 0, sink: (record) => void seen.push(recordMessage(record)) });
  const output = scriptOutputLog(log, 'start');
  output.write('stdout', 'a\nb');
  output.end();
  assert.equal(seen, ['[start] stdout: a', '[start] stdout: b']);
});

test('script output costs close to one byte of log per byte of output', async (ctx) => {
  const path = join(ctx.dir, 'daemon.log');
  const log = createLogger({ name: 'lucky-daemon', level: 3, file: path, maxBytes: 1024 ** 3 });
  const output = scriptOutputLog(log, 'config-changed');
  const text = `${'x'.repeat(80)}\n`.repeat(((64 * 1024) / 81) | 0);
  let bytes = 0;
  // 8 MiB in 64 KiB chunks, as a pipe delivers them.
  while (bytes < 8 * 1024 * 1024) {
    output.write('stdout', text);
    bytes += text.length;
  }
  output.end();
  await log.flush();
  const ratio = statSync(path).size / bytes;
  console.log(
    `log-file: ${(bytes / 1024 / 1024).toFixed(1)} MiB of 80-byte lines -> ${(statSync(path).size / 1024 / 1024).toFixed(2)} MiB of log: ${ratio.toFixed(3)} log bytes per output byte`,
  );
  assert.ok(ratio < 1.1, `ratio ${ratio}`);
  assert.ok(existsSync(path));
});

test.run();
