import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lucky, removeDir, startTestDaemon, tempDir, writeCharm } from '@lucky/test-utils';

interface Ctx {
  dir: string;
  charm: string;
}

/** 80 characters and a newline. */
const LINE = '0'.repeat(80);
const LINE_BYTES = LINE.length + 1;
const FLOOD_LINES = 375_000; // ~30 MB
const MEASURE_LINES = 100_000; // ~8 MB
const MiB = 1024 * 1024;
/** The largest record the log holds: 64 KiB of output lines and their JSON around them. */
const RECORD_SLACK = 80 * 1024;

interface OutputRecord {
  readonly t: string;
  readonly hook: string;
  readonly s: 'out' | 'err';
  readonly lines: readonly string[];
}

const test = suite<Ctx>('daemon log: size rotation, compact script output, private data dir');

test.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-log-');
  ctx.charm = await writeCharm(join(ctx.dir, 'charm'), {
    'lucky.yaml': [
      'use-docker: false',
      'hooks:',
      '  flood:',
      `    - inline-host-script: 'echo "flood starts" >&2; yes ${LINE} | head -n ${FLOOD_LINES}; echo "flood ends" >&2'`,
      '  measure:',
      `    - inline-host-script: 'yes ${LINE} | head -n ${MEASURE_LINES}'`,
      '',
    ].join('\n'),
  });
});

test.after(async (ctx) => {
  await removeDir(ctx.dir);
});

/** The log files in a data dir, oldest first. */
function logFiles(dataDir: string): string[] {
  return readdirSync(dataDir)
    .filter((name) => /^daemon\.log(\.\d+)?$/.test(name))
    .sort((a, b) => Number(b.split('.')[2] ?? 0) - Number(a.split('.')[2] ?? 0))
    .map((name) => join(dataDir, name));
}

test('30 MB of script output with LUCKY_LOG_MAX_BYTES=1MiB keeps 3 files of at most 1 MiB, all 0600 in a 0700 data dir that was 0755', async (ctx) => {
  const dir = join(ctx.dir, 'flood');
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  chmodSync(dataDir, 0o755);
  // A log left by an older daemon, world-readable.
  writeFileSync(join(dataDir, 'daemon.log'), '{"message":"from an older daemon"}\n', { mode: 0o644 });
  chmodSync(join(dataDir, 'daemon.log'), 0o644);
  const daemon = await startTestDaemon({ charmDir: ctx.charm, dir, env: { LUCKY_LOG_MAX_BYTES: String(MiB), LUCKY_LOG_FILES: '3' } });
  try {
    assert.is(statSync(dataDir).mode & 0o777, 0o700);
    assert.is(statSync(join(dataDir, 'daemon.log')).mode & 0o777, 0o600);
    const result = await lucky(['dispatch', 'flood'], daemon.env);
    assert.is(result.exitCode, 0, result.stderr);
    assert.is(result.stdout.length, FLOOD_LINES * LINE_BYTES);
    assert.is(result.stderr, 'flood starts\nflood ends\n');
  } finally {
    await daemon.stop();
  }
  const files = logFiles(dataDir);
  assert.equal(
    files.map((file) => file.slice(dataDir.length + 1)),
    ['daemon.log.2', 'daemon.log.1', 'daemon.log'],
  );
  const sizes = files.map((file) => statSync(file).size);
  const total = sizes.reduce((a, b) => a + b, 0);
  console.log(
    `daemon-log: ${((FLOOD_LINES * LINE_BYTES) / MiB).toFixed(1)} MiB of output, limit 1 MiB x 3 files: log files ${sizes.join(' + ')} = ${total} bytes`,
  );
  for (const [i, file] of files.entries()) {
    assert.ok(sizes[i]! <= MiB, `${file} is ${sizes[i]} bytes`);
    assert.is(statSync(file).mode & 0o777, 0o600, file);
  }
  assert.ok(total <= 3 * MiB + RECORD_SLACK, `${total} bytes of log`);
  assert.is(statSync(dataDir).mode & 0o777, 0o700);

  // Every line is whole JSON; the output is in compact records, the rest is tslog's.
  const lines = files.flatMap((file) => readFileSync(file, 'utf8').split('\n').slice(0, -1));
  const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const output = records.filter((record): record is OutputRecord & Record<string, unknown> => 'lines' in record);
  assert.ok(output.length > 0);
  assert.ok(output.every((record) => record.hook === 'flood' && record.lines.every((line) => line === LINE || line.startsWith('flood '))));
  assert.ok(output.some((record) => record.s === 'err' && record.lines.includes('flood ends')));
  assert.ok(!lines.some((line) => line.includes('from an older daemon')), 'the oldest lines were dropped');
  const messages = records.map((record) => record.message).filter((message) => typeof message === 'string');
  assert.ok(
    messages.some((message) => /^Hook flood done in \d+ ms$/.test(message)),
    messages.join('\n'),
  );
  assert.is(messages.at(-1), 'Lucky daemon stopped');
  // What the kept records cost per byte of the output they hold.
  const kept = output.filter((record) => record.s === 'out');
  const logBytes = kept.reduce((n, record) => n + Buffer.byteLength(JSON.stringify(record)) + 1, 0);
  const outBytes = kept.reduce((n, record) => n + record.lines.reduce((m, line) => m + line.length + 1, 0), 0);
  console.log(`daemon-log: kept output records: ${(logBytes / outBytes).toFixed(3)} log bytes per output byte`);
  assert.ok(logBytes / outBytes < 1.2);
});

test('script output through a real hook costs close to one byte of log per byte of output', async (ctx) => {
  const dir = join(ctx.dir, 'measure');
  const dataDir = join(dir, 'data');
  const daemon = await startTestDaemon({ charmDir: ctx.charm, dir, env: { LUCKY_LOG_MAX_BYTES: String(1024 * MiB) } });
  let measured: { before: number; outBytes: number } | undefined;
  try {
    // One hook first, so the log holds the daemon's start and nothing else is pending.
    assert.is((await lucky(['dispatch', 'measure'], daemon.env)).exitCode, 0);
    const before = statSync(join(dataDir, 'daemon.log')).size;
    const result = await lucky(['dispatch', 'measure'], daemon.env);
    assert.is(result.exitCode, 0, result.stderr);
    measured = { before, outBytes: Buffer.byteLength(result.stdout) };
  } finally {
    await daemon.stop();
  }
  const { before, outBytes } = measured;
  assert.is(outBytes, MEASURE_LINES * LINE_BYTES);
  const after = statSync(join(dataDir, 'daemon.log')).size;
  assert.equal(logFiles(dataDir), [join(dataDir, 'daemon.log')]);
  // The growth holds the second hook's output and a few records of the daemon's (hook done, stopping, stopped).
  const ratio = (after - before) / outBytes;
  console.log(
    `daemon-log: ${(outBytes / MiB).toFixed(1)} MiB of 80-byte lines through "lucky dispatch measure" -> ${after - before} bytes of log: ${ratio.toFixed(3)} log bytes per output byte`,
  );
  assert.ok(ratio < 1.2, `ratio ${ratio}`);
  assert.is(statSync(join(dataDir, 'daemon.log')).mode & 0o777, 0o600);
  assert.is(statSync(dataDir).mode & 0o777, 0o700);
});

test('a data dir owned by another user is refused, naming the dir and its owner', async (ctx) => {
  if (process.getuid?.() !== 0) {
    console.log('daemon-log: not root, so no directory of another user to try; skipped');
    return;
  }
  const dir = join(ctx.dir, 'foreign');
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  chmodSync(dataDir, 0o755);
  chownSync(dataDir, 65534, 65534);
  const env = { JUJU_UNIT_NAME: 'test-app/0', LUCKY_DAEMON_SOCKET: join(dir, 'run', 'daemon.sock'), LUCKY_DATA_DIR: dataDir };
  const started = await lucky(['daemon', 'start', '--charm-dir', ctx.charm], env);
  if (started.exitCode === 0) await lucky(['daemon', 'stop', '-i'], env);
  assert.is(started.exitCode, 1, started.stdout);
  assert.match(started.stderr, `The Lucky data directory ${dataDir} belongs to `);
  assert.match(started.stderr, /belongs to (\S+ )?\(?uid 65534\)?, not to this user \(uid 0\)/);
  assert.is(statSync(dataDir).mode & 0o777, 0o755, 'left as it was');
  assert.not.ok(existsSync(join(dataDir, 'daemon.log')));
});

test.run();
