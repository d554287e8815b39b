/**
 * Subordinate charms through `lucky sim`, with real Lucky charms: lucky-sub (a subordinate
 * that tells its principal who it is over juju-info and uses a database over a regular
 * relation), lucky-host (a principal that records what its subordinate says over the
 * implicit juju-info endpoint) and lucky-db. Deploy without units, relate, status like
 * `juju status`, add-unit, the refusals, remove-unit of a principal, remove-relation.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lucky, removeDir, simUnit, tempDir, type LuckyResult, type SimStatusJson } from '@lucky/test-utils';

const SUB = fileURLToPath(new URL('../fixtures/lucky-sub/', import.meta.url));
const HOST = fileURLToPath(new URL('../fixtures/lucky-host/', import.meta.url));
const DB = fileURLToPath(new URL('../fixtures/lucky-db/', import.meta.url));

interface Ctx {
  dir: string;
}

const test = suite<Ctx>('lucky sim: subordinate charms');

function env(ctx: Ctx): Record<string, string> {
  return { LUCKY_SIM_MODEL: join(ctx.dir, 'model') };
}

async function sim(ctx: Ctx, ...args: string[]): Promise<LuckyResult> {
  const result = await lucky(['sim', ...args], env(ctx));
  assert.is(result.exitCode, 0, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
  return result;
}

async function status(ctx: Ctx): Promise<string> {
  return (await sim(ctx, 'status', '--format', 'json')).stdout;
}

/** A unit's Lucky key-value store, read through its daemon. */
async function kv(ctx: Ctx, unit: string): Promise<Record<string, string>> {
  const u = simUnit(await status(ctx), unit);
  const result = await lucky(['kv', 'get', '--format', 'json'], { LUCKY_DATA_DIR: u.dataDir, LUCKY_DAEMON_SOCKET: u.socketPath, JUJU_UNIT_NAME: unit });
  assert.is(result.exitCode, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, string>;
}

test.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-sim-subordinates-');
  await sim(ctx, 'deploy', HOST, 'host', '-n', '2');
  await sim(ctx, 'deploy', DB, 'db');
});

test.after(async (ctx) => {
  await lucky(['sim', 'destroy'], env(ctx));
  await removeDir(ctx.dir);
});

test('deploy: a subordinate gets no unit, -n is refused with Juju’s message', async (ctx) => {
  const refused = await lucky(['sim', 'deploy', SUB, 'sub', '-n', '2'], env(ctx));
  assert.is(refused.exitCode, 1);
  assert.match(refused.stderr, /^Error: cannot use --num-units or --to with subordinate application \(sub\)/);
  const deployed = await sim(ctx, 'deploy', SUB, 'sub');
  assert.is(deployed.stdout.trim(), '', 'no hook ran');
  const json = JSON.parse(await status(ctx)) as SimStatusJson;
  assert.is(json.applications.sub?.units, undefined);
  const table = (await sim(ctx, 'status')).stdout;
  assert.match(table, /\nsub +unknown +0 +lucky-sub /);
  const addUnit = await lucky(['sim', 'add-unit', 'sub'], env(ctx));
  assert.is(addUnit.exitCode, 1);
  assert.match(addUnit.stderr, /^Error: cannot add unit to application "sub": application is a subordinate/);
});

test('relate over juju-info: a subordinate unit per principal unit, which tells its principal who it is', async (ctx) => {
  const related = await sim(ctx, 'relate', 'sub', 'host');
  assert.match(related.stdout, /sub\/0 +install +ok/);
  assert.match(related.stdout, /sub\/1 +start +ok/);
  await sim(ctx, 'relate', 'sub', 'db');
  const json = await status(ctx);
  for (const [sub, principal] of [
    ['sub/0', 'host/0'],
    ['sub/1', 'host/1'],
  ] as const) {
    const unit = simUnit(json, sub);
    assert.is(unit.address, simUnit(json, principal).address, `${sub} is on ${principal}'s machine`);
    assert.is(unit.workload.status, 'active');
    assert.is(unit.workload.message, `attached to ${principal}, sees ${principal}, db user user-sub`);
    assert.equal(await kv(ctx, principal), { subordinate: sub, 'says-principal': principal });
  }
  assert.is((await kv(ctx, 'sub/1'))['db-user'], 'user-sub');
});

test("status: subordinates under their principal with no machine, Juju's keys, the subordinate integration", async (ctx) => {
  const json = JSON.parse(await status(ctx)) as SimStatusJson & {
    applications: Record<
      string,
      { 'subordinate-to'?: string[]; units?: Record<string, { machine?: string; subordinates?: Record<string, { machine?: string }> }> }
    >;
  };
  assert.equal(json.applications.sub?.['subordinate-to'], ['host']);
  assert.is(json.applications.sub?.units, undefined);
  assert.equal(Object.keys(json.applications.host?.units?.['host/0']?.subordinates ?? {}), ['sub/0']);
  assert.is(json.applications.host?.units?.['host/0']?.machine, '0');
  assert.is(json.applications.host?.units?.['host/0']?.subordinates?.['sub/0']?.machine, undefined);
  const sections = (await sim(ctx, 'status')).stdout.trimEnd().split('\n\n');
  assert.match(sections[2]!, /\nhost\/0\* +active +idle +0 +127\.0\.1\.1 +served by sub\/0\n {2}sub\/0\* +active +idle {12}127\.0\.1\.1 +attached to host\/0/);
  assert.match(sections[4]!, /\nhost:juju-info +sub:juju-info +juju-info +subordinate/);
  const yaml = (await sim(ctx, 'status', '--format', 'yaml')).stdout;
  assert.match(yaml, /\n {8}subordinates:\n {10}sub\/0:\n/);
});

test('add-unit on the principal brings a subordinate unit; remove-unit of a subordinate is refused', async (ctx) => {
  const added = await sim(ctx, 'add-unit', 'host');
  assert.match(added.stdout, /sub\/2 +install +ok/);
  assert.match(added.stdout, /db\/0 +db-relation-joined +ok/);
  assert.equal(await kv(ctx, 'host/2'), { subordinate: 'sub/2', 'says-principal': 'host/2' });
  const refused = await lucky(['sim', 'remove-unit', 'sub/2'], env(ctx));
  assert.is(refused.exitCode, 1);
  assert.match(refused.stderr, /^Error: unit "sub\/2" is a subordinate, to remove use remove-relation\. Note: this will remove all units of "sub"/);
});

test('remove-unit of a principal runs its subordinate’s teardown first, then its own', async (ctx) => {
  const { stdout } = await sim(ctx, 'remove-unit', 'host/2');
  const hooks = stdout
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/ +/).slice(0, 2).join(' '));
  // db/0 is on another machine: its hook runs alongside, as on Juju; host/2's machine runs its
  // units' hooks one at a time (Juju's machine lock), in this order.
  assert.equal(
    hooks.filter((hook) => hook.startsWith('db/0 ')),
    ['db/0 db-relation-departed'],
  );
  assert.equal(
    hooks.filter((hook) => !hook.startsWith('db/0 ')),
    [
      'host/2 juju-info-relation-departed',
      'sub/2 juju-info-relation-departed',
      'sub/2 juju-info-relation-broken',
      'sub/2 db-relation-departed',
      'sub/2 db-relation-broken',
      'sub/2 stop',
      'sub/2 remove',
      'host/2 juju-info-relation-broken',
      'host/2 stop',
      'host/2 remove',
    ],
  );
  const json = JSON.parse(await status(ctx)) as SimStatusJson;
  assert.equal(Object.keys(json.applications.host?.units ?? {}), ['host/0', 'host/1']);
});

test('remove-relation takes every subordinate unit along; the principal hears it leave', async (ctx) => {
  await sim(ctx, 'remove-relation', 'sub', 'host');
  const json = JSON.parse(await status(ctx)) as SimStatusJson;
  assert.is(json.applications.sub?.units, undefined);
  assert.equal(Object.keys(json.applications.host?.units?.['host/0'] ?? {}).includes('subordinates'), false);
  assert.is(simUnit(JSON.stringify(json), 'host/1').workload.message, 'left by sub/1');
  assert.match((await sim(ctx, 'status')).stdout, /\nsub +\S+ +0 +lucky-sub /);
});

test.run();
