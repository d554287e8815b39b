import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TestModel, writeCharm } from '@lucky/test-utils';

interface Ctx {
  sim: TestModel;
  charm: string;
}

const test = suite<Ctx>('host scripts: environment, shells, streams and failures');

test.before(async (ctx) => {
  ctx.sim = await TestModel.create();
  ctx.charm = await writeCharm(join(ctx.sim.dir, 'charm'), {
    'metadata.yaml': 'name: hs\nsummary: host script checks\nrequires:\n  db:\n    interface: pgsql\n',
    dispatch: '#!/bin/sh\nexec lucky dispatch\n',
    'lucky.yaml': [
      'use-docker: false',
      'hooks:',
      '  install:',
      '    - host-script: env.sh',
      '      args: ["one", "two three", "--flag"]',
      '  config-changed:',
      '    - inline-host-script: |',
      '        import os, sys',
      '        print("python says", os.environ["LUCKY_HOOK"])',
      '        print("to stderr", file=sys.stderr)',
      '      shell-command: ["python3", "-c"]',
      `    - inline-host-script: 'echo "sh: $0"'`,
      '      shell-command: ["/bin/sh", "-c"]',
      '  start:',
      '    - host-script: not-executable.sh',
      '  stop:',
      '    - inline-host-script: kill -TERM $$',
      '  update-status:',
      '    - inline-host-script: lucky kv set level-check=1',
      '  db-relation-joined:',
      '    - inline-host-script: echo "relation=$JUJU_RELATION id=$JUJU_RELATION_ID remote=$JUJU_REMOTE_UNIT app=$JUJU_REMOTE_APP hook=$JUJU_HOOK_NAME"',
      '',
    ].join('\n'),
    'host_scripts/env.sh': [
      '#!/bin/bash',
      'echo "args: $# [$1] [$2] [$3]"',
      'echo "context=$LUCKY_CONTEXT script=$LUCKY_SCRIPT_ID hook=$LUCKY_HOOK unit=$JUJU_UNIT_NAME"',
      'echo "socket set: ${LUCKY_DAEMON_SOCKET:+yes} cwd=$(pwd)"',
      'echo "path has charm bin: $(echo "$PATH" | tr : "\\n" | grep -c "/charm/bin$")"',
      'echo "lucky is $(command -v lucky)"',
      'echo "dispatch path=$JUJU_DISPATCH_PATH model=$JUJU_MODEL_NAME version=$JUJU_VERSION"',
      'echo "a line on stderr" >&2',
      '',
    ].join('\n'),
  });
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(ctx.charm, 'host_scripts', 'not-executable.sh'), '#!/bin/sh\necho never\n', { mode: 0o644 });
  await ctx.sim.model.addApplication('hs', { charmDir: ctx.charm, units: 1 });
});

test.after(async (ctx) => {
  await ctx.sim.stop();
});

test('a host script gets its args and the Lucky and Juju environment of DMN-22', async (ctx) => {
  const result = await ctx.sim.hook('hs/0', 'install');
  assert.is(result.exitCode, 0, result.stderr);
  const lines = result.stdout.split('\n');
  assert.is(lines[0], 'args: 3 [one] [two three] [--flag]');
  assert.is(lines[1], 'context=client script=install_0 hook=install unit=hs/0');
  assert.is(lines[2], `socket set: yes cwd=${ctx.charm}`);
  assert.is(lines[3], 'path has charm bin: 1');
  assert.match(lines[4] ?? '', /^lucky is \/.*\/lucky$/);
  assert.is(lines[5], 'dispatch path=hooks/install model=' + (await ctx.sim.model.state()).name + ' version=3.6.8');
  assert.is(result.stderr, 'a line on stderr\n');
});

test('shell-command picks the interpreter of inline scripts; stdout and stderr stay apart', async (ctx) => {
  const result = await ctx.sim.hook('hs/0', 'config-changed');
  assert.is(result.exitCode, 0, result.stderr);
  assert.is(result.stdout, 'python says config-changed\nsh: /bin/sh\n');
  assert.is(result.stderr, 'to stderr\n');
});

test('a script that is not executable fails the hook with a hint', async (ctx) => {
  const result = await ctx.sim.hook('hs/0', 'start');
  assert.is(result.exitCode, 1);
  assert.match(
    result.stderr,
    /Error: Hook "start" failed: Error executing script: .*host_scripts\/not-executable\.sh \(it is not executable: chmod \+x it, or build the charm with "lucky charm build"\)/,
  );
});

test('a script killed by a signal is reported with the signal', async (ctx) => {
  const result = await ctx.sim.hook('hs/0', 'stop');
  assert.is(result.exitCode, 1);
  assert.match(result.stderr, 'Host script "stop_inline" terminated by signal (SIGTERM)');
});

test('relation hooks pass the current relation variables to scripts', async (ctx) => {
  const pg = await writeCharm(join(ctx.sim.dir, 'pg'), { 'metadata.yaml': 'name: pg\nprovides:\n  db:\n    interface: pgsql\n' });
  await ctx.sim.model.addApplication('pg', { charmDir: pg, units: 1 });
  const id = Number((await ctx.sim.model.addRelation('hs:db', 'pg:db')).split(':')[1]);
  await ctx.sim.model.joinUnit(id, 'pg/0');
  const result = await ctx.sim.hook('hs/0', 'db-relation-joined', { relationId: id, remoteUnit: 'pg/0' });
  assert.is(result.exitCode, 0, result.stderr);
  assert.is(result.stdout, `relation=db id=db:${id} remote=pg/0 app=pg hook=db-relation-joined\n`);
});

test('LUCKY_LOG_LEVEL=debug puts RPC traffic in the daemon log', async (ctx) => {
  const env = ctx.sim.unitEnv('hs/0');
  const { lucky } = await import('@lucky/test-utils');
  await lucky(['daemon', 'stop', '-i', '--unit-name', 'hs/0'], env);
  const result = await ctx.sim.hook('hs/0', 'update-status', { extraEnv: { LUCKY_LOG_LEVEL: 'debug' } });
  assert.is(result.exitCode, 0, result.stderr);
  const log = readFileSync(join(env.LUCKY_DATA_DIR!, 'daemon.log'), 'utf8');
  assert.match(log, /"rpc kv\.set ok in [\d.]+ ms"/);
  assert.match(log, /"level":"DEBUG"/);
});

test.run();
