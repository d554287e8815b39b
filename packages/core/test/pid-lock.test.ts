import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execa } from 'execa';
import { acquirePidLock } from '../src/daemon/lock.js';

const test = suite('pid lock: one holder, also when many take over a dead lock at once');

const LOCK_MODULE = fileURLToPath(new URL('../dist/daemon/lock.js', import.meta.url));

/** A pid that belonged to a process which has exited. */
async function deadPid(): Promise<number> {
  const child = execa('true');
  await child;
  return child.pid!;
}

// A contender: takes the lock and holds it until the test says every contender has tried
// (the file <lock>.done), or says who holds it.
const CONTENDER = `
const { existsSync } = await import('node:fs');
const { acquirePidLock } = await import(process.argv[1]);
// Start together: spin until the agreed moment, so the takeovers really race.
while (Date.now() < Number(process.argv[3]));
const lock = acquirePidLock(process.argv[2]);
if (lock.acquired) {
  process.stdout.write('got');
  while (!existsSync(process.argv[2] + '.done')) await new Promise((r) => setTimeout(r, 10));
  lock.release();
} else process.stdout.write('held by ' + lock.holder);
`;

test('a live holder keeps the lock; its pid is reported', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lucky-lock-'));
  try {
    const path = join(dir, 'd.sock.pid');
    const first = acquirePidLock(path);
    assert.ok(first.acquired);
    const second = acquirePidLock(path);
    // The same process asking again takes over its own lock: only another live pid holds it.
    assert.ok(second.acquired);
    writeFileSync(path, '1');
    const third = acquirePidLock(path);
    assert.equal(third, { acquired: false, holder: 1 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a lock file left empty by a creator that died before writing its pid is taken over once it is old', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lucky-lock-'));
  try {
    const path = join(dir, 'd.sock.pid');
    writeFileSync(path, '');
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(path, minuteAgo, minuteAgo);
    const lock = acquirePidLock(path);
    assert.ok(lock.acquired);
    assert.is(readFileSync(path, 'utf8'), String(process.pid));
    lock.release();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('eight processes taking over the same dead lock: exactly one gets it, every round', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lucky-lock-'));
  const rounds = 12;
  let doubleHolders = 0;
  try {
    for (let round = 0; round < rounds; round++) {
      const path = join(dir, `r${round}.pid`);
      writeFileSync(path, String(await deadPid()));
      const startAt = String(Date.now() + 600);
      const contenders = Array.from({ length: 8 }, () =>
        execa(process.execPath, ['--input-type=module', '-e', CONTENDER, LOCK_MODULE, path, startAt], { reject: false }),
      );
      // The holder keeps the lock until every contender has answered (or died), however late a slow machine starts one.
      await Promise.all(contenders.map((child) => Promise.race([new Promise((resolve) => child.stdout.once('data', resolve)), child])));
      writeFileSync(`${path}.done`, '');
      const results = await Promise.all(contenders);
      const got = results.filter((result) => result.stdout === 'got').length;
      if (got !== 1) doubleHolders++;
      assert.is(got, 1, `round ${round}: ${results.map((result) => result.stdout || result.stderr).join(' | ')}`);
    }
    console.log(`  [figure] pid lock takeover: ${rounds} rounds × 8 contenders, rounds with two holders: ${doubleHolders}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
