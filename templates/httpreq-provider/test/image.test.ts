import { createRequire } from 'node:module';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeDir, tempDir, useDockerEngine, type DockerEngine } from '@lucky/test-utils';
import { buildProviderImage, CONTENT_LABEL, PROVIDER_IMAGE } from '../src/image/build.js';
import { VERSION } from '../src/version.js';
import { keyPair, SSH_USER, startTestSshd, type TestSshd } from './sshd.js';
import { bareRepo, commits, show } from './support.js';

interface Container {
  start(): Promise<unknown>;
  wait(): Promise<{ StatusCode: number }>;
  logs(options: { stdout: boolean; stderr: boolean; follow: false }): Promise<Buffer>;
  remove(options: { force: boolean }): Promise<unknown>;
}
interface Docker {
  createContainer(options: Record<string, unknown>): Promise<Container>;
  getNetwork(name: string): { inspect(): Promise<{ IPAM?: { Config?: { Gateway?: string }[] } }> };
  getImage(name: string): {
    inspect(): Promise<{ Id: string; Config: { Labels: Record<string, string> | null; Env: string[] | null; Entrypoint: unknown; Cmd: unknown } }>;
  };
}
const Dockerode = createRequire(import.meta.url)('dockerode') as new (options: { socketPath: string }) => Docker;

interface Ctx {
  engine: DockerEngine;
  docker: Docker;
  image: string;
}

const LABEL = { 'lucky.test': 'httpreq-provider-image' };
let count = 0;

/** Runs a command in a fresh container of the image (a TTY, so one stream), removes it, resolves exit code and output. */
async function run(ctx: Ctx, cmd: string[], user = '0:0', host: Record<string, unknown> = { NetworkMode: 'none' }): Promise<{ code: number; output: string }> {
  const container = await ctx.docker.createContainer({
    name: `httpreq-image-test-${process.pid}-${++count}`,
    Image: ctx.image,
    Cmd: cmd,
    User: user,
    Tty: true,
    Labels: LABEL,
    HostConfig: host,
  });
  try {
    await container.start();
    const { StatusCode } = await container.wait();
    const output = (await container.logs({ stdout: true, stderr: true, follow: false })).toString('utf8').replaceAll('\r\n', '\n');
    return { code: StatusCode, output };
  } finally {
    await container.remove({ force: true });
  }
}

const test = suite<Ctx>('the provider image, built offline');

test.before(async (ctx) => {
  ctx.engine = await useDockerEngine();
  ctx.docker = new Dockerode({ socketPath: ctx.engine.socketPath });
  ctx.image = await buildProviderImage({ socketPath: ctx.engine.socketPath });
});

test.after(async (ctx) => {
  await ctx.engine.stop();
});

test('tagged with the package version, labelled with its content; a second build reuses it', async (ctx) => {
  assert.is(ctx.image, `lucky-httpreq-provider:${VERSION}`);
  assert.is(ctx.image, PROVIDER_IMAGE);
  const first = await ctx.docker.getImage(ctx.image).inspect();
  assert.match(first.Config.Labels?.[CONTENT_LABEL] ?? '', /^[0-9a-f]{64}$/);
  assert.is(first.Config.Entrypoint ?? null, null, 'no entrypoint: Pebble runs the service');
  assert.ok(first.Config.Env?.includes('PATH=/usr/local/bin:/usr/bin:/bin'));
  assert.is(await buildProviderImage({ socketPath: ctx.engine.socketPath }), ctx.image);
  assert.is((await ctx.docker.getImage(ctx.image).inspect()).Id, first.Id, 'same image, not rebuilt');
});

test('node runs the bundle; git, ssh and ssh-keyscan run', async (ctx) => {
  assert.equal(await run(ctx, ['/usr/bin/node', '/opt/httpreq-provider/main.js', '--version']), { code: 0, output: `${VERSION}\n` });
  assert.equal(await run(ctx, ['httpreq-provider', '--version']), { code: 0, output: `${VERSION}\n` });
  const git = await run(ctx, ['git', '--version']);
  assert.is(git.code, 0);
  assert.match(git.output, /^git version \d+\.\d+/);
  const ssh = await run(ctx, ['ssh', '-V']);
  assert.is(ssh.code, 0);
  assert.match(ssh.output, /^OpenSSH_/);
  const keyscan = await run(ctx, ['sh', '-c', 'ssh-keyscan -T 1 -p 1 127.0.0.1; echo "exit=$?"']);
  assert.match(keyscan.output, /exit=\d+/, keyscan.output);
});

test('the workload user exists with its home; the service answers and pushes a record as that user', async (ctx) => {
  const id = await run(ctx, ['sh', '-c', 'id; echo "home=$HOME"; ls -ld /var/lib/httpreq /tmp'], '584792:584792');
  assert.is(id.code, 0, id.output);
  assert.match(id.output, /uid=584792\(httpreq\) gid=584792\(httpreq\)/);
  assert.match(id.output, /home=\/var\/lib\/httpreq/);
  assert.match(id.output, /^d\S+\s+\d+\s+httpreq\s+httpreq\s.*\/var\/lib\/httpreq$/m);
  assert.match(id.output, /^drwxrwxrwt\s.*\/tmp$/m);
  // A local repository inside the container: the whole path but ssh, with the image's git, as the workload user.
  const script = [
    'set -e',
    'cd /tmp && git init -q -b main seed && cd seed',
    'echo "site 600 IN A 192.0.2.1" > example.com.domain',
    'git add . && git -c user.name=t -c user.email=t@t commit -qm zones',
    'git init -q --bare /tmp/zones.git && git push -q /tmp/zones.git main',
    'httpreq-provider create-user u --password p >/dev/null',
    'httpreq-provider allow-domains u --domains example.com >/dev/null',
    'HTTPREQ_LISTEN=127.0.0.1:8000 HTTPREQ_GIT_REPO=/tmp/zones.git@main httpreq-provider serve > /tmp/serve.log 2>&1 &',
    'n=0; until wget -qO- http://127.0.0.1:8000/healthz >/dev/null 2>&1; do n=$((n+1)); [ $n -lt 300 ] || { cat /tmp/serve.log; exit 9; }; sleep 0.1; done',
    `wget -qO- --header "Authorization: Basic $(printf u:p | base64)" --header "Content-Type: application/json" --post-data '{"fqdn":"_acme-challenge.example.com.","value":"in-image"}' http://127.0.0.1:8000/present`,
    'git --git-dir /tmp/zones.git show main:example.com.domain',
    'git --git-dir /tmp/zones.git log -1 --format="%s|%an|%ae" main',
    'ls -l /var/lib/httpreq/users.json',
  ].join('\n');
  const flow = await run(ctx, ['sh', '-c', script], '584792:584792');
  assert.is(flow.code, 0, flow.output);
  assert.ok(flow.output.includes('site 600 IN A 192.0.2.1\n_acme-challenge 600 IN TXT "in-image"\n'), flow.output);
  assert.ok(flow.output.includes('Add _acme-challenge.example.com record|httpreq-provider|httpreq-provider@httpreq-provider'), flow.output);
  assert.match(flow.output, /^-rw-------\s+1 httpreq\s+httpreq\s.*users\.json$/m);
});

test('commands run as root write the database owned by the workload user, who can read it', async (ctx) => {
  const script = [
    'set -e',
    'httpreq-provider create-user u --password p >/dev/null',
    'ls -ln /var/lib/httpreq/users.json',
    'su -s /bin/sh -c "httpreq-provider list-domains u" httpreq',
  ].join('\n');
  const result = await run(ctx, ['sh', '-c', script]);
  assert.is(result.code, 0, result.output);
  assert.match(result.output, /^-rw-------\s+1 584792\s+584792\s.*users\.json$/m);
  assert.ok(result.output.includes('\nu:\n'), result.output);
});

test('inside the image, over SSH to the host: a scanned known_hosts, the key for the workload user, git+ssh://user@host:port', async (ctx) => {
  // The host, as containers on Docker's default bridge reach it: the bridge's gateway address.
  const gateway = (await ctx.docker.getNetwork('bridge').inspect()).IPAM?.Config?.[0]?.Gateway;
  assert.ok(gateway, 'the bridge network has a gateway');
  const dir = await tempDir('httpreq-image-ssh-');
  let sshd: TestSshd | undefined;
  try {
    const bare = await bareRepo(dir, { 'example.test.domain': '; example.test\n' });
    await keyPair(join(dir, 'id_key'), 'ecdsa');
    await chmod(join(dir, 'id_key'), 0o644); // read by root in the container, which installs it 0600 for httpreq
    sshd = await startTestSshd(join(dir, 'sshd'), gateway, await readFile(join(dir, 'id_key.pub'), 'utf8'));
    const repo = `git+ssh://${SSH_USER}@${gateway}:${sshd.port}${bare}@main`;
    const script = [
      'set -e',
      'mkdir -p /var/lib/httpreq/.ssh',
      'cp /in/id_key /var/lib/httpreq/.ssh/id_key',
      `ssh-keyscan -p ${sshd.port} ${gateway} > /var/lib/httpreq/.ssh/known_hosts 2>/dev/null`,
      'chown -R httpreq:httpreq /var/lib/httpreq/.ssh && chmod 700 /var/lib/httpreq/.ssh && chmod 600 /var/lib/httpreq/.ssh/*',
      'httpreq-provider create-user u --password p >/dev/null',
      'httpreq-provider allow-domains u --domains example.test >/dev/null',
      `su -s /bin/sh -c 'HTTPREQ_LISTEN=127.0.0.1:8000 HTTPREQ_GIT_REPO=${repo} exec httpreq-provider serve' httpreq > /tmp/serve.log 2>&1 &`,
      'n=0; until wget -qO- http://127.0.0.1:8000/healthz >/dev/null 2>&1; do n=$((n+1)); [ $n -lt 300 ] || { cat /tmp/serve.log; exit 9; }; sleep 0.1; done',
      `wget -qO- --header "Authorization: Basic $(printf u:p | base64)" --header "Content-Type: application/json" --post-data '{"fqdn":"_acme-challenge.example.test.","value":"via-ssh"}' http://127.0.0.1:8000/present || { cat /tmp/serve.log; exit 8; }`,
      'cat /tmp/serve.log',
    ].join('\n');
    const result = await run(ctx, ['sh', '-c', script], '0:0', { Binds: [`${dir}:/in:ro`] });
    assert.is(result.code, 0, result.output);
    assert.match(result.output, /POST \/present 204 .* user=u fqdn=_acme-challenge\.example\.test committed/);
    assert.is(await show(bare, 'example.test.domain'), '; example.test\n_acme-challenge 600 IN TXT "via-ssh"\n');
    assert.equal((await commits(bare))[0], { subject: 'Add _acme-challenge.example.test record', author: SSH_USER, email: `${SSH_USER}@httpreq-provider` });
  } finally {
    await sshd?.stop();
    await removeDir(dir);
  }
});

test.run();
