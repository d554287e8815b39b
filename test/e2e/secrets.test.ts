import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execa } from 'execa';
import { LUCKY_BIN, TestModel, lucky, removeDir, simUnit, tempDir, type LuckyResult, type ProbeResult } from '@lucky/test-utils';

const OWNER = fileURLToPath(new URL('../fixtures/lucky-secrets/owner/', import.meta.url));
const CONSUMER = fileURLToPath(new URL('../fixtures/lucky-secrets/consumer/', import.meta.url));

/** Distinctive contents: none may ever show up in a log. */
const FIRST = 'Qx7-first-PLAINTEXT-4411';
const SECOND = 'Qx7-second-PLAINTEXT-9023';

interface Ctx {
  dir: string;
  id: string;
}

const test = suite<Ctx>('secrets through real hooks: lucky secret … against the simulator (owner and consumer charms)');

test.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-secrets-');
  await writeFile(join(ctx.dir, 'first'), FIRST);
  await writeFile(join(ctx.dir, 'second'), SECOND);
});

test.after(async (ctx) => {
  await sim(ctx, 'destroy');
  await removeDir(ctx.dir);
});

function sim(ctx: Ctx, ...args: string[]): Promise<LuckyResult> {
  return lucky(['sim', ...args], { LUCKY_SIM_MODEL: join(ctx.dir, 'model') });
}

/** `lucky sim advance`: an hour is a dozen update-status rounds, longer than lucky()'s one-minute limit on a busy machine. */
async function advance(ctx: Ctx, duration: string): Promise<{ events: Array<{ at: string; unit: string; event: string }> }> {
  const result = await execa(process.execPath, [LUCKY_BIN, 'sim', 'advance', duration, '--format', 'json'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LUCKY_SIM_MODEL: join(ctx.dir, 'model') },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 600_000,
  });
  assert.is(result.exitCode, 0, `lucky sim advance ${duration}:\n${String(result.stdout)}${String(result.stderr)}`);
  return JSON.parse(String(result.stdout)) as { events: Array<{ at: string; unit: string; event: string }> };
}

async function simOk(ctx: Ctx, ...args: string[]): Promise<string> {
  const result = await sim(ctx, ...args);
  assert.is(result.exitCode, 0, `lucky sim ${args.join(' ')}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** What `secret-digest` stores: the SHA-256 (first 16 hex digits) of `lucky secret get … password`'s output. */
function digest(value: string): string {
  return createHash('sha256').update(`${value}\n`).digest('hex').slice(0, 16);
}

async function kv(ctx: Ctx, unit: string): Promise<Record<string, string>> {
  const found = simUnit(await simOk(ctx, 'status', '--format', 'json'), unit);
  const result = await lucky(['kv', 'get', '--format', 'json'], { LUCKY_DATA_DIR: found.dataDir, LUCKY_DAEMON_SOCKET: found.socketPath, JUJU_UNIT_NAME: unit });
  assert.is(result.exitCode, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, string>;
}

interface StoredSecret {
  revisions: Array<{ revision: number; expireAt: string | null }>;
  nextRotateAt: string | null;
  consumers: Record<string, { revision: number; label: string }>;
}

async function stored(ctx: Ctx): Promise<StoredSecret | undefined> {
  const model = JSON.parse(await readFile(join(ctx.dir, 'model', 'model.json'), 'utf8')) as { secrets?: Record<string, StoredSecret>; clock: string };
  return model.secrets?.[ctx.id.replace('secret:', '')];
}

async function modelClock(ctx: Ctx): Promise<number> {
  return Date.parse((JSON.parse(await readFile(join(ctx.dir, 'model', 'model.json'), 'utf8')) as { clock: string }).clock);
}

test('the owner adds a secret and grants it over the relation; each consumer unit reads it (key#file passed to the hook tool)', async (ctx) => {
  await simOk(ctx, 'deploy', OWNER, 'secret-owner', '--config', `password-file=${join(ctx.dir, 'first')}`);
  await simOk(ctx, 'deploy', CONSUMER, 'secret-consumer', '-n', '2');
  await simOk(ctx, 'relate', 'secret-owner', 'secret-consumer');
  const owner = await kv(ctx, 'secret-owner/0');
  assert.match(owner['secret-id'] ?? '', /^secret:[0-9a-v]{20}$/);
  ctx.id = owner['secret-id'] ?? '';
  for (const unit of ['secret-consumer/0', 'secret-consumer/1']) {
    const values = await kv(ctx, unit);
    assert.is(values['secret-id'], ctx.id);
    assert.is(values.password, digest(FIRST), `${unit} read the content`);
  }
  const info = JSON.parse((await kv(ctx, 'secret-owner/0')).info ?? '{}') as Record<string, unknown>;
  const bare = ctx.id.replace('secret:', '');
  assert.equal(info, {
    [bare]: {
      revision: 1,
      label: 'creds',
      owner: 'application',
      description: 'demo credentials',
      access: [{ target: 'application-secret-consumer', scope: 'relation-secret-consumer.creds#secret-owner.creds', role: 'view' }],
    },
  });
  assert.is((await kv(ctx, 'secret-owner/0')).ids, bare);
});

test('new content: secret-changed on each consumer with JUJU_SECRET_ID/_LABEL; tracked, --peek and --refresh; then secret-remove of the unused revision', async (ctx) => {
  await simOk(ctx, 'config', 'secret-owner', `password-file=${join(ctx.dir, 'second')}`);
  for (const unit of ['secret-consumer/0', 'secret-consumer/1']) {
    const values = await kv(ctx, unit);
    assert.is(values['changed-id'], ctx.id);
    assert.is(values['changed-label'], 'creds', "the consumer's own label");
    assert.is(values['changed-revision'], 'unset', 'no JUJU_SECRET_REVISION in secret-changed');
    assert.is(values.tracked, digest(FIRST), 'still the tracked revision');
    assert.is(values.peeked, digest(SECOND), '--peek: the latest');
    assert.is(values['after-peek'], digest(FIRST), '--peek does not move the tracking');
    assert.is(values.password, digest(SECOND), '--refresh: the latest, tracked from now on');
  }
  const owner = await kv(ctx, 'secret-owner/0');
  assert.is(owner['removed-id'], ctx.id);
  assert.is(owner['removed-label'], 'creds');
  assert.is(owner['removed-revisions']?.trim(), '1', 'revision 1, once no consumer tracked it');
  const secret = await stored(ctx);
  assert.equal(
    secret?.revisions.map((r) => r.revision),
    [2],
  );
  assert.equal(secret?.consumers, { 'secret-consumer/0': { revision: 2, label: 'creds' }, 'secret-consumer/1': { revision: 2, label: 'creds' } });
});

test('lucky sim secrets and show-secret: metadata, never content unless --reveal', async (ctx) => {
  const bare = ctx.id.replace('secret:', '');
  const table = await simOk(ctx, 'secrets');
  assert.match(table, /^ID\s+Name\s+Owner\s+Rotation\s+Revision\s+Last updated\n/);
  assert.match(table, new RegExp(`^${bare}  -     secret-owner  never            2  just now\\n`, 'm'));
  const shown = await simOk(ctx, 'show-secret', ctx.id);
  assert.not.match(shown, SECOND);
  assert.match(
    shown,
    /^ {2}access:\n {2}- target: application-secret-consumer\n {4}scope: relation-secret-consumer\.creds#secret-owner\.creds\n {4}role: view\n/m,
  );
  const revealed = JSON.parse(await simOk(ctx, 'show-secret', ctx.id, '--reveal', '--format', 'json')) as Record<string, { content: Record<string, string> }>;
  assert.equal(revealed[bare]?.content, { password: SECOND });
});

test('user secrets: add-secret, grant-secret; a granted application reads it by id', async (ctx) => {
  const added = (await simOk(ctx, 'add-secret', 'api-token', 'token=Qx7-user-PLAINTEXT-5150', '--info', 'for the consumer')).trim();
  assert.match(added, /^secret:[0-9a-v]{20}$/);
  const listed = JSON.parse(await simOk(ctx, 'secrets', '--format', 'json')) as Record<string, { owner: string; name?: string; description?: string }>;
  assert.equal(
    { owner: listed[added.slice(7)]?.owner, name: listed[added.slice(7)]?.name, description: listed[added.slice(7)]?.description },
    { owner: '<model>', name: 'api-token', description: 'for the consumer' },
  );
  const refused = await sim(ctx, 'grant-secret', 'api-token', 'nope');
  assert.is(refused.exitCode, 1);
  assert.match(refused.stderr, /No application "nope" in the model/);
  await simOk(ctx, 'grant-secret', 'api-token', 'secret-consumer');
  const shown = await simOk(ctx, 'show-secret', 'api-token');
  assert.match(shown, /owner: <model>\n {2}description: for the consumer\n {2}name: api-token\n/);
  assert.match(shown, /- target: application-secret-consumer\n {4}scope: model-[0-9a-f-]{36}\n {4}role: view\n/);
});

test('sim hook refuses a secret hook: it follows secret changes and the clock', async (ctx) => {
  const refused = await sim(ctx, 'hook', 'secret-consumer/0', 'secret-changed');
  assert.is(refused.exitCode, 1, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /secret-changed is about a secret; secret hooks follow secret changes/);
  await simOk(ctx, 'hook', 'secret-consumer/0', 'update-status');
});

test('revoke: the consumer is denied ("permission denied") from then on', async (ctx) => {
  await simOk(ctx, 'config', 'secret-owner', 'mode=revoke');
  await simOk(ctx, 'hook', 'secret-consumer/0', 'update-status');
  assert.match((await kv(ctx, 'secret-consumer/0')).read ?? '', /permission denied/);
});

test('rotation on the model clock: secret-rotate on the owner when due; its new revision moves the next rotation on', async (ctx) => {
  await simOk(ctx, 'config', 'secret-owner', 'rotate=hourly');
  const clock = await modelClock(ctx);
  const due = (await stored(ctx))?.nextRotateAt;
  assert.is(due, new Date(clock + 3_600_000).toISOString());
  const advanced = await advance(ctx, '1h');
  const rotations = advanced.events.filter((event) => event.event === 'secret-rotate').map(({ at, unit, event }) => ({ at, unit, event }));
  assert.equal(rotations, [{ at: due, unit: 'secret-owner/0', event: 'secret-rotate' }]);
  const owner = await kv(ctx, 'secret-owner/0');
  assert.is(owner.rotations, '1');
  assert.is(owner['rotate-id'], ctx.id);
  assert.is(owner['rotate-label'], 'creds');
  assert.is(owner['rotate-revision'], 'unset');
  const secret = await stored(ctx);
  assert.is(secret?.revisions.at(-1)?.revision, 3, 'the rotate hook made revision 3');
  assert.is(secret?.nextRotateAt, new Date(Date.parse(due ?? '') + 3_600_000).toISOString(), 'an hour after the rotation that was due');
});

test('expiry on the model clock: secret-expired with JUJU_SECRET_REVISION; the owner removes that revision', async (ctx) => {
  await simOk(ctx, 'config', 'secret-owner', 'rotate=never', 'expire=10m');
  const latest = (await stored(ctx))?.revisions.at(-1);
  assert.ok(latest?.expireAt, 'the latest revision expires');
  const advanced = await advance(ctx, '15m');
  const expired = advanced.events.filter((event) => event.event === 'secret-expired');
  assert.is(expired.length, 1);
  assert.is(expired[0]?.at, latest.expireAt);
  const owner = await kv(ctx, 'secret-owner/0');
  assert.is(owner['expired-id'], ctx.id);
  assert.is(owner['expired-revision'], String(latest.revision));
  assert.not.ok(
    (await stored(ctx))?.revisions.some((r) => r.revision === latest.revision),
    'the expired revision was removed',
  );
});

test("no secret content in any log: Lucky's and the daemons' logs (at trace level), the simulator's logs, lucky sim log", async (ctx) => {
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const name of await readdir(dir)) {
      const path = join(dir, name);
      const info = await stat(path).catch(() => null);
      if (info?.isDirectory()) await walk(path);
      else if (info?.isFile()) files.push(path);
    }
  };
  await walk(join(ctx.dir, 'model'));
  const logs = files.filter((path) => /log/.test(path.slice(ctx.dir.length)));
  assert.ok(
    logs.some((path) => path.endsWith('daemon.log')),
    `the daemons' logs are among them: ${logs.join(', ')}`,
  );
  assert.ok(logs.some((path) => path.endsWith('hook-log.jsonl')));
  const daemonLog = await readFile(logs.find((path) => path.endsWith('daemon.log')) ?? '', 'utf8');
  assert.match(daemonLog, /rpc secret\.get ok/, 'RPC debug lines are written');
  for (const path of logs) {
    const text = await readFile(path, 'latin1');
    for (const value of [FIRST, SECOND, 'Qx7-user-PLAINTEXT-5150']) assert.not.ok(text.includes(value), `${value} found in ${path}`);
  }
  for (const args of [['log'], ['log', '--format', 'json']]) {
    const out = await simOk(ctx, ...args);
    for (const value of [FIRST, SECOND]) assert.not.ok(out.includes(value), `${value} in lucky sim ${args.join(' ')}`);
  }
  // Not even anywhere else but the model's own store, model.json (where it is base64) and the source files.
  for (const path of files) {
    const text = await readFile(path, 'latin1');
    for (const value of [FIRST, SECOND]) assert.not.ok(text.includes(value), `${value} found in ${path}`);
  }
});

test.run();

// --- The `lucky secret` commands themselves, called by a hook's script (TestModel.probe).

interface ProbeCtx {
  sim: TestModel;
  id: string;
}

const commands = suite<ProbeCtx>('lucky secret commands: outputs and errors, through a hook of the simulator');

commands.before(async (ctx) => {
  ctx.sim = await TestModel.create();
  await ctx.sim.model.addApplication('secret-owner', { charmDir: OWNER, units: 2 });
  await ctx.sim.model.addApplication('secret-consumer', { charmDir: CONSUMER });
  const relation = Number((await ctx.sim.model.addRelation('secret-owner:creds', 'secret-consumer:creds')).split(':')[1]);
  for (const unit of ['secret-owner/0', 'secret-owner/1', 'secret-consumer/0']) await ctx.sim.model.joinUnit(relation, unit);
});

commands.after(async (ctx) => {
  await ctx.sim.stop();
});

async function probe(ctx: ProbeCtx, unit: string, list: string[]): Promise<ProbeResult[]> {
  const { results, hook } = await ctx.sim.probe(unit, 'probe', list);
  assert.is(hook.exitCode, 0, hook.stderr);
  return results;
}

function out(result: ProbeResult | undefined, expected: string): void {
  assert.ok(result);
  assert.is(result.exit, 0, result.out);
  assert.is(result.out, expected);
}

function err(result: ProbeResult | undefined, exit: number, message: RegExp): void {
  assert.ok(result);
  assert.is(result.exit, exit, result.out);
  assert.match(result.out, message);
}

commands('secret add: prints the id; usage errors never quote a content argument', async (ctx) => {
  const r = await probe(ctx, 'secret-owner/0', [
    'lucky secret add --label api password=one user-name=admin',
    'lucky secret add --owner everyone token=x',
    'lucky secret add Qx7-not-a-pair',
    'lucky secret add --rotate sometimes token=x',
    'lucky secret add Token=x',
  ]);
  assert.match(r[0]?.out ?? '', /^secret:[0-9a-v]{20}\n$/);
  ctx.id = (r[0]?.out ?? '').trim();
  err(r[1], 2, /Invalid --owner "everyone": expected app or unit/);
  err(r[2], 2, /Content argument 1 is not key=value/);
  assert.not.match(r[2]?.out ?? '', 'Qx7-not-a-pair');
  err(r[3], 2, /Invalid --rotate "sometimes"/);
  err(r[4], 1, /secret-add failed: key "Token" not valid \(exit 2\)/);
});

commands('secret get, ids, info: plain, json and yaml; secret set with a relative key#file; --peek reads the pending revision', async (ctx) => {
  const id = ctx.id;
  const bare = id.slice('secret:'.length);
  const r = await probe(ctx, 'secret-owner/0', [
    `lucky secret get ${id}`,
    `lucky secret get ${id} password`,
    `lucky secret get ${id} --format json`,
    `lucky secret get ${id} --format yaml`,
    `lucky secret get ${id} user-name --format json`,
    'lucky secret get --label api password',
    'lucky secret ids',
    'lucky secret ids --format json',
    `lucky secret info ${id}`,
    'lucky secret info --label api --format json',
    `d="$(mktemp -d)" && (cd "$d" && printf two > pw && lucky secret set ${id} password#file=pw && lucky secret get ${id} password --peek); s=$?; rm -rf "$d"; (exit $s)`,
    `lucky secret get ${id} nope`,
  ]);
  out(r[0], 'password=one\nuser-name=admin\n');
  out(r[1], 'one\n');
  out(r[2], '{"password":"one","user-name":"admin"}\n');
  out(r[3], 'password: one\nuser-name: admin\n');
  out(r[4], '"admin"\n');
  out(r[5], 'one\n');
  out(r[6], `${bare}\n`);
  out(r[7], `["${bare}"]\n`);
  out(r[8], `${bare}:\n  revision: 1\n  label: api\n  owner: application\n`);
  out(r[9], `{"${bare}":{"revision":1,"label":"api","owner":"application"}}\n`);
  out(r[10], 'two\n');
  err(r[11], 1, /secret-get failed: secret key value "nope" not found \(exit 1\)/);
});

commands("another unit of the owner's application reads it (the latest) but does not manage it; the related application may not read it", async (ctx) => {
  const id = ctx.id;
  const r = await probe(ctx, 'secret-owner/1', ['lucky secret add token=x', `lucky secret get ${id} password`, 'lucky secret ids', `lucky secret info ${id}`]);
  err(r[0], 1, /secret-add failed: this unit is not the leader \(exit 1\)/);
  out(r[1], 'two\n');
  out(r[2], '');
  err(r[3], 1, /secret-info-get failed: secret "[0-9a-v]{20}" not found \(exit 1\)/);
  const c = await probe(ctx, 'secret-consumer/0', [`lucky secret get ${id}`]);
  err(c[0], 1, /secret-get failed: permission denied \(exit 1\)/);
});

commands.run();
