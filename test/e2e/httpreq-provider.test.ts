// The flagship example, end to end (issue 11): the httpreq-provider charm from
// `create-lucky-charm --template httpreq-provider`, two units in `lucky sim` (Pebble runtime,
// real containers of the @lucky/httpreq-provider image), pushing zone files over SSH to a
// local sshd, while Debian's lego obtains real certificates from Debian's pebble, whose DNS
// (pebble-challtestsrv) serves the TXT records read from the pushed zone files.
import { readFileSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execa } from 'execa';
import type Dockerode from 'dockerode';
import {
  ensureAcmePackages,
  installZoneBridge,
  LUCKY_BIN,
  lucky,
  removeDir,
  runLego,
  simUnits,
  startAcme,
  startSshd,
  tempDir,
  useDockerEngine,
  type DockerEngine,
  type LuckyResult,
  type SimUnit,
  type TestAcme,
  type TestSshd,
} from '@lucky/test-utils';
import { buildProviderImage } from '../../templates/httpreq-provider/src/image/build.js';

const Docker = createRequire(import.meta.url)('dockerode') as typeof Dockerode;
const CREATE = fileURLToPath(new URL('../../templates/create-lucky-charm/bin/create-lucky-charm.js', import.meta.url));
const TESTING_PACKAGE = fileURLToPath(new URL('../../packages/testing/', import.meta.url));
const APP = 'dns';
const ZONE = 'example.test';
const ZONE_FILE = `${ZONE}.domain`;
const SEED_ZONE = `; ${ZONE}: records added by hand stay as they are\nwww 600 IN A 192.0.2.10\n`;

interface Ctx {
  engine: DockerEngine;
  docker: Dockerode;
  dir: string;
  model: string;
  charm: string;
  image: string;
  sshd: TestSshd;
  acme: TestAcme;
  bare: string;
  repoUrl: string;
  secretId: string;
  password: Record<string, string>;
}

const test = suite<Ctx>('httpreq-provider: the charm in lucky sim, two units, a real lego and ACME server, zone files over SSH');

function sim(ctx: Ctx, ...args: string[]): Promise<LuckyResult> {
  return lucky(['sim', ...args], { LUCKY_SIM_MODEL: ctx.model });
}

async function ok(ctx: Ctx, ...args: string[]): Promise<string> {
  const result = await sim(ctx, ...args);
  assert.is(result.exitCode, 0, `lucky sim ${args.join(' ')}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

async function units(ctx: Ctx): Promise<SimUnit[]> {
  return simUnits(await ok(ctx, 'status', '--format', 'json'));
}

async function workloads(ctx: Ctx): Promise<Array<[string, string, string]>> {
  return (await units(ctx)).map((unit) => [unit.name, unit.workload.status, unit.workload.message]);
}

interface Task {
  status: string;
  message?: string;
  results: Record<string, unknown>;
}

/** `lucky sim run … --format json --string-args`: the task of the unit. */
async function action(ctx: Ctx, unit: string, name: string, ...params: string[]): Promise<Task> {
  const run = await sim(ctx, 'run', unit, name, ...params, '--format', 'json', '--string-args');
  const task = (JSON.parse(run.stdout || '{}') as Record<string, Task>)[unit];
  assert.ok(task, `lucky sim run ${unit} ${name}: no task\n${run.stdout}${run.stderr}`);
  return task;
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  return String((await execa('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args], { cwd })).stdout);
}

/** The workload container of a unit, by the simulator's labels. */
async function workload(ctx: Ctx, unit: string): Promise<Dockerode.ContainerInfo> {
  const list = await ctx.docker.listContainers({
    all: true,
    filters: { label: [`lucky.sim.model=${ctx.model}`, `lucky.sim.unit=${unit}`, 'lucky.sim.container=httpreq'] },
  });
  assert.is(list.length, 1, `one httpreq container for ${unit}`);
  return list[0]!;
}

/** The unit's pod address: its workload container's, as a Kubernetes pod IP. */
async function podAddress(ctx: Ctx, unit: string): Promise<string> {
  const info = await workload(ctx, unit);
  const address = Object.values(info.NetworkSettings.Networks).find((network) => network.IPAddress)?.IPAddress;
  assert.ok(address, `${unit} has no address`);
  return address;
}

/** Runs a command in a unit's workload container (as root), returning its stdout and stderr. */
async function inWorkload(ctx: Ctx, unit: string, command: string[]): Promise<string> {
  const exec = await ctx.docker.getContainer((await workload(ctx, unit)).Id).exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  // Docker's multiplexed stream: an 8-byte header before each frame.
  const all = Buffer.concat(chunks);
  let text = '';
  for (let at = 0; at + 8 <= all.length; at += 8 + all.readUInt32BE(at + 4)) text += all.subarray(at + 8, at + 8 + all.readUInt32BE(at + 4)).toString('utf8');
  return text;
}

/** A GET on the unit's Pebble API (its socket in the simulator), the body as text. */
async function pebbleGet(ctx: Ctx, unit: string, path: string): Promise<string> {
  const socketPath = (await units(ctx)).find((u) => u.name === unit)?.containers?.[0]?.socketPath;
  assert.ok(socketPath, `${unit}: no Pebble socket`);
  return new Promise<string>((resolve, reject) => {
    request({ socketPath, path }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
    })
      .on('error', reject)
      .end();
  });
}

/** The service's log lines, from the unit's Pebble (`GET /v1/logs`). */
async function serviceLog(ctx: Ctx, unit: string): Promise<string> {
  return (await pebbleGet(ctx, unit, '/v1/logs?services=httpreq&n=-1'))
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { message: string }).message)
    .join('');
}

function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

async function zoneFile(ctx: Ctx): Promise<string> {
  return git(ctx.bare, 'show', `HEAD:${ZONE_FILE}`).then((text) => `${text}\n`);
}

async function certificateNames(path: string, domain: string): Promise<string> {
  const cert = join(path, 'certificates', `${domain.replace('*', '_')}.crt`);
  return String((await execa('openssl', ['x509', '-noout', '-ext', 'subjectAltName', '-in', cert])).stdout);
}

test.before(async (ctx) => {
  ctx.engine = await useDockerEngine();
  ctx.docker = new Docker({ socketPath: ctx.engine.socketPath });
  await ensureAcmePackages();
  ctx.image = await buildProviderImage({ socketPath: ctx.engine.socketPath });
  ctx.dir = await tempDir('lucky-httpreq-');
  ctx.model = join(ctx.dir, 'model');
  ctx.password = {};

  // The git server: sshd on the Docker bridge's gateway, the host address the workload containers reach.
  const bridge = await ctx.docker.getNetwork('bridge').inspect();
  const gateway = (bridge as { IPAM: { Config: Array<{ Gateway?: string }> } }).IPAM.Config.find((config) => config.Gateway)?.Gateway;
  assert.ok(gateway, 'the Docker bridge has a gateway address');
  await mkdir(join(ctx.dir, 'client'));
  const key = join(ctx.dir, 'client', 'id_ed25519');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'httpreq-provider', '-f', key]);
  ctx.sshd = await startSshd(join(ctx.dir, 'sshd'), gateway, await readFile(`${key}.pub`, 'utf8'));

  ctx.bare = join(ctx.dir, 'srv', 'zones.git');
  await mkdir(ctx.bare, { recursive: true });
  await git(ctx.bare, 'init', '-q', '--bare', '-b', 'main');
  const seed = join(ctx.dir, 'seed');
  await git(ctx.dir, 'clone', '-q', ctx.bare, seed);
  await writeFile(join(seed, ZONE_FILE), SEED_ZONE);
  await git(seed, 'add', ZONE_FILE);
  await git(seed, 'commit', '-q', '-m', `${ZONE} zone`);
  await git(seed, 'push', '-q', 'origin', 'HEAD:main');
  ctx.repoUrl = `git+ssh://${ctx.sshd.user}@${gateway}:${ctx.sshd.port}${ctx.bare}`;

  ctx.acme = await startAcme(join(ctx.dir, 'acme'));
  await installZoneBridge(ctx.bare, ctx.acme.management, join(ctx.dir, 'bridge-state.json'));

  ctx.charm = join(ctx.dir, 'charm');
  const created = await execa(process.execPath, [CREATE, ctx.charm, '--yes', '--no-git', '--template', 'httpreq-provider', '--name', 'httpreq-provider'], {
    reject: false,
  });
  assert.is(created.exitCode, 0, created.stderr);
});

test.after(async (ctx) => {
  if (ctx.model) await sim(ctx, 'destroy');
  if (ctx.docker && ctx.model) {
    for (const info of await ctx.docker.listContainers({ all: true, filters: { label: [`lucky.sim.model=${ctx.model}`] } })) {
      await ctx.docker.getContainer(info.Id).remove({ force: true, v: true });
    }
  }
  await ctx.acme?.stop();
  await ctx.sshd?.stop();
  if (ctx.dir) await removeDir(ctx.dir);
  await ctx.engine?.stop();
});

test('two units wait, naming the missing setting: git-repo, git-ssh-key, then a secret they can read', async (ctx) => {
  await ok(ctx, 'deploy', ctx.charm, APP, '-n', '2', '--resource', `httpreq-image=${ctx.image}`);
  assert.equal(await workloads(ctx), [
    [`${APP}/0`, 'waiting', 'Config git-repo is required'],
    [`${APP}/1`, 'waiting', 'Config git-repo is required'],
  ]);
  await ok(ctx, 'config', APP, `git-repo=${ctx.repoUrl}`);
  assert.equal(await workloads(ctx), [
    [`${APP}/0`, 'waiting', 'Config git-ssh-key is required'],
    [`${APP}/1`, 'waiting', 'Config git-ssh-key is required'],
  ]);
  ctx.secretId = (await ok(ctx, 'add-secret', 'git-key', `ssh-key#file=${join(ctx.dir, 'client', 'id_ed25519')}`)).trim();
  await ok(ctx, 'config', APP, `git-ssh-key=${ctx.secretId}`);
  for (const [, status, message] of await workloads(ctx)) {
    assert.is(status, 'waiting');
    assert.match(message, `Cannot read secret ${ctx.secretId} (config git-ssh-key): `);
    assert.match(message, `; grant it: juju grant-secret ${ctx.secretId} ${APP}`);
  }
});

test('once the secret is granted, update-status sets each unit up: key and scanned known_hosts for the workload user, active', async (ctx) => {
  await ok(ctx, 'grant-secret', 'git-key', APP);
  // Granting fires no hook; the next update-status retries a unit that does not serve yet.
  await ok(ctx, 'advance', '5m');
  assert.equal(await workloads(ctx), [
    [`${APP}/0`, 'active', "Serving lego's httpreq API on port 8000"],
    [`${APP}/1`, 'active', "Serving lego's httpreq API on port 8000"],
  ]);
  for (const unit of await units(ctx)) {
    assert.equal(unit.ports, ['8000/tcp'], unit.name);
    assert.equal(
      unit.containers?.[0]?.services.map((s) => [s.name, s.current]),
      [['httpreq', 'active']],
    );
    const files = await inWorkload(ctx, unit.name, ['stat', '-c', '%n %U %a', '/var/lib/httpreq/.ssh/id_key', '/var/lib/httpreq/.ssh/known_hosts']);
    assert.is(files, '/var/lib/httpreq/.ssh/id_key httpreq 600\n/var/lib/httpreq/.ssh/known_hosts httpreq 600\n');
    // Every host key type, under [host]:port as ssh looks it up for a non-default port.
    const knownHosts = await inWorkload(ctx, unit.name, ['cat', '/var/lib/httpreq/.ssh/known_hosts']);
    const entries = knownHosts
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.split(' ').slice(0, 3).join(' '))
      .sort();
    assert.equal(entries, ctx.sshd.hostKeys.map((hostKey) => `[${ctx.sshd.host}]:${ctx.sshd.port} ${hostKey}`).sort());
    // Pebble's HTTP check on /healthz, declared by the charm, with no failure so far.
    const plan = (JSON.parse(await pebbleGet(ctx, unit.name, '/v1/plan?format=yaml')) as { result: string }).result;
    assert.match(plan, /\n +healthz:\n(?: +.+\n)*? +http:\n +url: http:\/\/localhost:8000\/healthz\n/);
    const checks = JSON.parse(await pebbleGet(ctx, unit.name, '/v1/checks')) as { result: Array<{ name: string; status: string; failures?: number }> };
    assert.equal(
      checks.result.map((check) => [check.name, check.status, check.failures ?? 0]),
      [['healthz', 'up', 0]],
    );
    // The service runs as the workload user.
    const uid = await inWorkload(ctx, unit.name, [
      'sh',
      '-c',
      'for p in /proc/[0-9]*; do grep -q "serve" $p/cmdline 2>/dev/null && grep "^Uid:" $p/status; done',
    ]);
    assert.match(uid, /^Uid:\s+584792\s/m);
  }
});

test('the actions: Canonical output; the non-leader refuses changes, naming the leader; both units get the users and grants', async (ctx) => {
  const created = await action(ctx, `${APP}/0`, 'create-user', 'username=alice');
  assert.is(created.status, 'completed', created.message);
  const match = /^Created "alice" with password "([^"]+)"\n$/.exec(String(created.results.result));
  assert.ok(match, String(created.results.result));
  ctx.password.alice = match[1]!;

  const refused = await action(ctx, `${APP}/1`, 'allow-domains', 'username=alice', `domains=${ZONE}`);
  assert.is(refused.status, 'failed');
  assert.is(refused.message, `Failed: ${APP}/1 is not the leader; users and grants change on the leader (${APP}/0): juju run ${APP}/leader allow-domains …`);
  const neither = await action(ctx, `${APP}/0`, 'allow-domains', 'username=alice');
  assert.is(neither.status, 'failed');
  assert.is(neither.message, 'Failed: give domains, subdomains or both.');
  const unknown = await action(ctx, `${APP}/0`, 'allow-domains', 'username=nobody', `domains=${ZONE}`);
  assert.is(unknown.status, 'failed');
  assert.match(String(unknown.message), /^Failed: .*User "nobody" does not exist/);

  const granted = await action(ctx, `${APP}/0`, 'allow-domains', 'username=alice', `domains=${ZONE}`, `subdomains=${ZONE}`);
  assert.equal([granted.status, granted.results.result], ['completed', 'Successfully granted access to all domains.\n']);
  const bob = await action(ctx, `${APP}/0`, 'create-user', 'username=bob');
  ctx.password.bob = /"([^"]+)"\n$/.exec(String(bob.results.result))?.[1] ?? '';
  assert.ok(ctx.password.bob, String(bob.results.result));

  // The leader published the database in the peer data; the other unit imported it.
  for (const unit of [`${APP}/0`, `${APP}/1`]) {
    const listed = await action(ctx, unit, 'list-domains', 'username=alice');
    assert.equal([listed.status, listed.results.result], ['completed', `\nalice:\n    domains:\n        ${ZONE}\n    subdomains:\n        ${ZONE}\n`], unit);
  }
});

test('lego obtains a certificate for example.test and *.example.test through unit 0; the zone file ends clean', async (ctx) => {
  const path = join(ctx.dir, 'lego-0');
  const lego = await runLego(ctx.acme, {
    endpoint: `http://${await podAddress(ctx, `${APP}/0`)}:8000`,
    username: 'alice',
    password: ctx.password.alice!,
    domains: [ZONE, `*.${ZONE}`],
    path,
  });
  assert.is(lego.exitCode, 0, lego.output);
  const names = await certificateNames(path, ZONE);
  assert.match(names, 'DNS:example.test');
  assert.match(names, 'DNS:*.example.test');
  // Both challenges were presented, then each cleanup removed its own value: only the seed is left.
  assert.is(await zoneFile(ctx), SEED_ZONE);
  const log = await git(ctx.bare, 'log', '--format=%an %s');
  assert.is(log.split('\n').filter((line) => line === `${ctx.sshd.user} Add _acme-challenge.${ZONE} record`).length, 2, log);
  assert.is(log.split('\n').filter((line) => line === `${ctx.sshd.user} Remove _acme-challenge.${ZONE} record`).length, 2, log);
});

test('through unit 1: a certificate for a subdomain (the subdomain grant); both units served lego', async (ctx) => {
  const path = join(ctx.dir, 'lego-1');
  const lego = await runLego(ctx.acme, {
    endpoint: `http://${await podAddress(ctx, `${APP}/1`)}:8000`,
    username: 'alice',
    password: ctx.password.alice!,
    domains: [`www.${ZONE}`],
    path,
  });
  assert.is(lego.exitCode, 0, lego.output);
  assert.match(await certificateNames(path, `www.${ZONE}`), `DNS:www.${ZONE}`);
  assert.is(await zoneFile(ctx), SEED_ZONE);
  const zero = await serviceLog(ctx, `${APP}/0`);
  const one = await serviceLog(ctx, `${APP}/1`);
  // Each unit's service logged the presents of the order sent to it.
  assert.match(zero, /POST \/present 204 \d+ms user=alice fqdn=_acme-challenge\.example\.test\.?(?: |$)/m);
  assert.match(one, /POST \/present 204 \d+ms user=alice fqdn=_acme-challenge\.www\.example\.test\.?(?: |$)/m);
});

test('a user without a grant gets 403, and lego fails for them; no credentials get 401', async (ctx) => {
  const endpoint = `http://${await podAddress(ctx, `${APP}/0`)}:8000`;
  const body = JSON.stringify({ fqdn: `_acme-challenge.${ZONE}.`, value: 'x'.repeat(43) });
  const denied = await fetch(`${endpoint}/present`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: basicAuth('bob', ctx.password.bob!) },
    body,
  });
  assert.is(denied.status, 403);
  assert.match(await denied.text(), `The user bob does not have permission to manage _acme-challenge.${ZONE}`);
  const anonymous = await fetch(`${endpoint}/present`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  assert.is(anonymous.status, 401);

  const lego = await runLego(ctx.acme, { endpoint, username: 'bob', password: ctx.password.bob!, domains: [ZONE], path: join(ctx.dir, 'lego-bob') });
  assert.is(lego.exitCode, 1, lego.output);
  assert.match(String(lego.output), '403');
  assert.is(await zoneFile(ctx), SEED_ZONE);
});

test('a restarted workload container (pod churn) gets the key, known_hosts and the users back, and serves', async (ctx) => {
  await ok(ctx, 'restart-container', `${APP}/1`, 'httpreq');
  assert.equal((await workloads(ctx))[1], [`${APP}/1`, 'active', "Serving lego's httpreq API on port 8000"]);
  const listed = await action(ctx, `${APP}/1`, 'list-domains', 'username=alice');
  assert.is(listed.results.result, `\nalice:\n    domains:\n        ${ZONE}\n    subdomains:\n        ${ZONE}\n`);
  const lego = await runLego(ctx.acme, {
    endpoint: `http://${await podAddress(ctx, `${APP}/1`)}:8000`,
    username: 'alice',
    password: ctx.password.alice!,
    domains: [`api.${ZONE}`],
    path: join(ctx.dir, 'lego-restarted'),
  });
  assert.is(lego.exitCode, 0, lego.output);
  assert.is(readFileSync(join(ctx.dir, 'bridge-state.json'), 'utf8'), '{}');
});

test.run();

// ---

interface TemplateCtx {
  engine: DockerEngine;
  docker: Dockerode;
  dir: string;
  image: string;
}

const template = suite<TemplateCtx>("httpreq-provider: the scaffolded charm's own tests/charm.test.mjs");

template.before(async (ctx) => {
  ctx.engine = await useDockerEngine();
  ctx.docker = new Docker({ socketPath: ctx.engine.socketPath });
  ctx.image = await buildProviderImage({ socketPath: ctx.engine.socketPath });
  ctx.dir = await tempDir('lucky-httpreq-template-');
});

template.after(async (ctx) => {
  // Containers of the model the charm's own test made under this directory.
  for (const info of await ctx.docker.listContainers({ all: true, filters: { label: ['lucky.sim.model'] } })) {
    if (info.Labels['lucky.sim.model']?.startsWith(`${ctx.dir}/`)) await ctx.docker.getContainer(info.Id).remove({ force: true, v: true });
  }
  await removeDir(ctx.dir);
  await ctx.engine.stop();
});

template('passes under node --test with the provider image', async (ctx) => {
  const charm = join(ctx.dir, 'dns');
  const created = await execa(process.execPath, [CREATE, charm, '--yes', '--no-git', '--template', 'httpreq-provider'], { reject: false });
  assert.is(created.exitCode, 0, String(created.stderr));
  // What `npm install` would provide: @lucky/testing, and `lucky` in node_modules/.bin.
  await mkdir(join(charm, 'node_modules', '@lucky'), { recursive: true });
  await symlink(TESTING_PACKAGE, join(charm, 'node_modules', '@lucky', 'testing'));
  await mkdir(join(charm, 'node_modules', '.bin'));
  await writeFile(join(charm, 'node_modules', '.bin', 'lucky'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(LUCKY_BIN)} "$@"\n`, {
    mode: 0o755,
  });
  const result = await execa(process.execPath, ['--test', 'tests/'], {
    cwd: charm,
    reject: false,
    env: { NODE_OPTIONS: '', WORKLOAD_IMAGE: ctx.image, TMPDIR: ctx.dir },
  });
  const output = String(result.stdout) + String(result.stderr);
  assert.is(result.exitCode, 0, output);
  assert.match(output, /# pass 3\n/);
  assert.match(output, /# fail 0\n/);
});

template.run();
