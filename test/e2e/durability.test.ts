import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as v from 'valibot';
import { DaemonClient } from '@lucky/core';
import { StateSchema } from '@lucky/core/testing';
import { LUCKY_BIN, lucky, removeDir, startTestDaemon, tempDir, waitFor, writeCharm, type TestDaemon } from '@lucky/test-utils';

interface Ctx {
  dir: string;
  charm: string;
  daemon: TestDaemon | undefined;
}

const test = suite<Ctx>('daemon state: durability');

test.before(async (ctx) => {
  ctx.dir = await tempDir();
  ctx.charm = await writeCharm(join(ctx.dir, 'charm'), { 'lucky.yaml': 'hooks: {}\n' });
});

test.after(async (ctx) => {
  await ctx.daemon?.stop();
  await removeDir(ctx.dir);
});

test('every acknowledged kv set survives a SIGKILL in the middle of a concurrent burst', async (ctx) => {
  const daemon = (ctx.daemon = await startTestDaemon({ charmDir: ctx.charm, dir: ctx.dir }));
  // Writers of two kinds: shell scripts running the real `lucky kv set`, and raw RPC
  // clients hammering the socket. Each records a key only after its write was answered.
  const acked: string[][] = [];
  const scripts = Array.from({ length: 4 }, (_, w) => {
    const log = join(ctx.dir, `writer-${w}.acked`);
    writeFileSync(log, '');
    const script = `i=0; while node ${JSON.stringify(LUCKY_BIN)} kv set s${w}-$i=value-$i; do echo s${w}-$i >> ${JSON.stringify(log)}; i=$((i+1)); done`;
    return { log, child: execa('bash', ['-c', script], { env: daemon.env, reject: false, stdin: 'ignore' }) };
  });
  let stop = false;
  const rpcWriters = Array.from({ length: 4 }, async (_, w) => {
    const keys: string[] = [];
    acked.push(keys);
    const client = await DaemonClient.connect(daemon.socketPath);
    try {
      for (let i = 0; !stop; i++) {
        await client.call('kv.set', { values: { [`r${w}-${i}`]: `value-${i}` } });
        keys.push(`r${w}-${i}`);
      }
    } catch {
      // The daemon was killed mid-call; that write was never acknowledged.
    } finally {
      client.close();
    }
  });
  const scriptAcks = (): number => scripts.reduce((n, s) => n + readFileSync(s.log, 'utf8').split('\n').filter(Boolean).length, 0);
  // Twelve Node processes one after another and 400 synced writes: more than the default wait on a loaded machine.
  await waitFor(() => scriptAcks() >= 12 && acked.reduce((n, keys) => n + keys.length, 0) >= 400, 'a burst of acknowledged writes', 60_000);
  await daemon.kill();
  stop = true;
  await Promise.all(rpcWriters);
  await Promise.all(scripts.map((s) => s.child));

  const stateFile = join(daemon.dataDir, 'state.json');
  const state = v.parse(StateSchema, JSON.parse(readFileSync(stateFile, 'utf8')));
  const expected = [...acked.flat(), ...scripts.flatMap((s) => readFileSync(s.log, 'utf8').split('\n').filter(Boolean))];
  assert.ok(expected.length >= 412, `only ${expected.length} acknowledged writes`);
  for (const key of expected) assert.ok(key in state.kv, `acknowledged key ${key} is missing from the state file`);

  // And a restarted daemon serves all of them.
  ctx.daemon = await startTestDaemon({ charmDir: ctx.charm, dir: ctx.dir });
  const listed = await lucky(['kv', 'get', '--format', 'json'], ctx.daemon.env);
  const values = JSON.parse(listed.stdout) as Record<string, string>;
  for (const key of expected) assert.is(values[key], `value-${key.split('-')[1]}`);
});

test('a corrupt state file is moved aside with a logged error, not overwritten', async (ctx) => {
  await ctx.daemon?.stop();
  const dataDir = join(ctx.dir, 'data');
  const stateFile = join(dataDir, 'state.json');
  writeFileSync(stateFile, '{"version":1,"kv":{"a":');
  ctx.daemon = await startTestDaemon({ charmDir: ctx.charm, dir: ctx.dir });
  const listed = await lucky(['kv', 'get'], ctx.daemon.env);
  assert.is(listed.stdout, '');
  const { readdirSync } = await import('node:fs');
  const aside = readdirSync(dataDir).filter((name) => name.startsWith('state.json.corrupt-'));
  assert.is(aside.length, 1);
  assert.is(readFileSync(join(dataDir, aside[0]!), 'utf8'), '{"version":1,"kv":{"a":');
  const log = readFileSync(join(dataDir, 'daemon.log'), 'utf8');
  assert.match(log, /was not valid JSON .*it was moved to .*state\.json\.corrupt-/);
});

test.run();
