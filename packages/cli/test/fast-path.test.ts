import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'clipanion';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isProcessRunning } from '@lucky/core';
import { removeDir, startTestDaemon, tempDir, writeCharm, type TestDaemon } from '@lucky/test-utils';
import type { OptionSpec } from '../src/fast/clipanion-shim.js';
import { FAST_COMMANDS } from '../src/fast/commands.js';
import { COMMANDS, createCli } from '../src/main.js';

/** The built entries (run `pnpm build` first): what scripts run, the fast bundle alone, and the full CLI alone. */
const LUCKY_BIN = fileURLToPath(new URL('../bin/lucky.cjs', import.meta.url));
const FAST_BUNDLE = fileURLToPath(new URL('../dist/bundle/lucky-fast.cjs', import.meta.url));
const FULL_BUNDLE = fileURLToPath(new URL('../dist/bundle/lucky.cjs', import.meta.url));

interface FastBundle {
  parseFast(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<Record<string, unknown> | undefined>;
  fastDefinitions(): Promise<{ paths: readonly (readonly string[])[]; specs: [string, OptionSpec][] }[]>;
}
const fast = createRequire(import.meta.url)(FAST_BUNDLE) as FastBundle;

const test = suite("cli: the fast path runs clipanion's command classes with clipanion's reading of the command line");

test('every fast command is a command of the full CLI, with the same paths, and no other command shares a path prefix with it', async () => {
  assert.ok(FAST_COMMANDS.length >= 20, `${FAST_COMMANDS.length} fast commands`);
  for (const entry of FAST_COMMANDS) {
    const loaded = await entry.load();
    const command = COMMANDS.find((candidate) => (candidate as unknown) === loaded);
    assert.ok(command, `${entry.paths.join(' ')} is in COMMANDS`);
    assert.equal(entry.paths, command.paths, `${entry.paths.join(' ')}: the paths of its class`);
    // The fast path gives a command its fields and context only: no clipanion schema, no this.cli or this.path.
    assert.is((command as { schema?: unknown }).schema, undefined, `${entry.paths.join(' ')}: a static schema`);
    for (let proto = command.prototype as object; proto !== Command.prototype; proto = Object.getPrototypeOf(proto) as object) {
      for (const name of Object.getOwnPropertyNames(proto)) {
        const member = Object.getOwnPropertyDescriptor(proto, name);
        const code = [member?.value, member?.get].map((fn: unknown) => (typeof fn === 'function' ? String(fn) : '')).join('');
        assert.not.match(code, /this\.(cli|path)\b/, `${entry.paths.join(' ')}: ${name} uses what only clipanion sets`);
      }
    }
    // createCli registers exactly the commands whose path starts argv: for a fast path's command line, this one only.
    for (const other of COMMANDS) {
      if (other === command) continue;
      for (const path of entry.paths) {
        for (const otherPath of other.paths ?? []) {
          const shorter = Math.min(path.length, otherPath.length);
          assert.not.equal(path.slice(0, shorter), otherPath.slice(0, shorter), `${path.join(' ')} and ${otherPath.join(' ')}`);
        }
      }
    }
  }
});

/** Command lines built from a command's own options: plain forms, every option in each form, and forms the fast path leaves to clipanion. */
function commandLines(path: readonly string[], specs: readonly [string, OptionSpec][]): string[][] {
  const lines: string[][] = [];
  const words = ['alpha', 'b=2', 'db:3'];
  for (let n = 0; n <= 3; n++) lines.push([...path, ...words.slice(0, n)]);
  for (const [, spec] of specs) {
    if (spec.kind !== 'string' && spec.kind !== 'boolean') continue;
    for (const name of spec.names) {
      const given = spec.kind === 'string' ? [name, 'json'] : [name];
      lines.push([...path, ...given], [...path, ...given, 'alpha'], [...path, 'alpha', ...given], [...path, 'alpha', 'b=2', ...given]);
      lines.push([...path, ...given, ...given]);
      if (spec.kind === 'string') lines.push([...path, `${name}=json`, 'alpha'], [...path, name], [...path, name, '-x'], [...path, `${name}=`]);
      else lines.push([...path, `${name}=true`], [...path, `--no-${name.replace(/^-+/, '')}`]);
    }
  }
  for (const odd of ['--help', '-h', '--bogus', '--', '-', '-x', '--format', 'a b', '']) lines.push([...path, odd], [...path, 'alpha', odd]);
  lines.push([...path, '--', '-alpha']);
  return lines;
}

const ENVS: NodeJS.ProcessEnv[] = [{}, { LUCKY_DAEMON_SOCKET: '/run/x.sock', JUJU_UNIT_NAME: 'app/0' }, { LUCKY_DAEMON_SOCKET: '' }];

test('the fast parser gives the fields clipanion gives, or leaves the command line to clipanion', async () => {
  const definitions = await fast.fastDefinitions();
  assert.is(definitions.length, FAST_COMMANDS.length);
  let taken = 0;
  let left = 0;
  for (const { paths, specs } of definitions) {
    for (const argv of paths.flatMap((path) => commandLines(path, specs))) {
      for (const env of ENVS) {
        const parsed = await fast.parseFast(argv, env);
        if (!parsed) {
          left++;
          continue;
        }
        taken++;
        const cli = createCli(argv);
        let command: Record<string, unknown>;
        try {
          command = cli.process([...argv], { env }) as unknown as Record<string, unknown>;
        } catch (error) {
          assert.unreachable(`fast path took "${argv.join(' ')}", which clipanion refuses: ${(error as Error).message}`);
          return;
        }
        assert.not.ok(command.help, `"${argv.join(' ')}" is a help request`);
        for (const [key] of specs) assert.equal(parsed[key], command[key], `"${argv.join(' ')}" with ${JSON.stringify(env)}: field ${key}`);
      }
    }
  }
  // Both sides are exercised: scripts' plain forms go fast, help and odd forms go to clipanion.
  assert.ok(taken > 500 && left > 500, `${taken} taken, ${left} left to clipanion`);
});

test('the plain command lines of scripts take the fast path; help, unknown options and missing arguments do not', async () => {
  const env = { JUJU_UNIT_NAME: 'app/0' };
  for (const argv of [
    ['kv', 'get', 'x'],
    ['kv', 'get'],
    ['kv', 'get', 'x', '--format', 'json'],
    ['kv', 'set', 'a=1', 'b=2'],
    ['get-config', 'port'],
    ['set-status', 'active', 'all', 'good'],
    ['set-status', '-n', 'db', 'blocked', 'no', 'db'],
    ['relation', 'get', '-r', 'db:1', '-u', 'pg/0', 'host'],
    ['relation', 'set', 'host=h'],
    ['relation', 'list-ids', '-n', 'db'],
    ['leader', 'is-leader'],
    ['container', 'image', 'get'],
    ['container', 'env', 'set', '-c', 'web', 'A=1'],
    ['port', 'open', '80'],
    ['log', '-l', 'DEBUG', 'hello', 'world'],
    ['dispatch'],
    ['dispatch', 'config-changed'],
    ['trigger-hook', 'install'],
    ['random'],
    ['random', '--length', '16'],
    ['random', '--range', '1', '6'],
    ['random', '-r', '1', '6', '--float'],
  ]) {
    assert.ok(await fast.parseFast(argv, env), `fast: ${argv.join(' ')}`);
  }
  for (const argv of [
    [],
    ['--help'],
    ['kv'],
    ['kv', 'get', '--help'],
    ['kv', 'get', '-h'],
    ['kv', 'set'],
    ['relation', 'list-ids'],
    ['kv', 'get', '--bogus'],
    ['daemon', 'status'],
    ['dispatch', '--bogus'],
    ['dispatch', 'a', 'b'],
    ['random', '--range', '1'],
    ['random', '--range=1', '6'],
    ['random', '--range', '-5', '5'],
    ['sim', 'status'],
    ['container', 'image', 'set', 'nginx'],
  ]) {
    assert.not.ok(await fast.parseFast(argv, env), `not fast: ${argv.join(' ')}`);
  }
});

const same = suite('cli: the fast path and the full CLI print the same and exit the same');

interface Ctx {
  dir: string;
  daemon: TestDaemon;
  /** Runs the fast bundle alone (exit 99 when it declines), the full CLI alone, and bin/lucky.cjs. */
  fastOnly: string;
  fullOnly: string;
}
const ctx = {} as Ctx;

same.before(async () => {
  ctx.dir = await tempDir('lucky-fast-');
  const charm = await writeCharm(join(ctx.dir, 'charm'), { 'lucky.yaml': 'use-docker: false\nhooks: {}\n' });
  ctx.daemon = await startTestDaemon({ charmDir: charm, dir: ctx.dir });
  ctx.fastOnly = join(ctx.dir, 'fast-only.cjs');
  writeFileSync(ctx.fastOnly, `require(${JSON.stringify(FAST_BUNDLE)}).run().then((done) => { if (!done) process.exitCode = 99; });\n`);
  ctx.fullOnly = join(ctx.dir, 'full-only.cjs');
  writeFileSync(ctx.fullOnly, `require(${JSON.stringify(FULL_BUNDLE)}).main();\n`);
});

same.after(async () => {
  await ctx.daemon?.stop();
  await removeDir(ctx.dir);
});

async function run(entry: string, argv: readonly string[], env: Record<string, string>) {
  const result = await execa(process.execPath, [entry, ...argv], {
    env: { PATH: process.env.PATH, ...env },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    stripFinalNewline: false,
  });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Command lines scripts run, in order (the store changes as they go), and whether the fast path takes each. */
const TABLE: [argv: string[], fast: boolean, env?: 'none' | 'script'][] = [
  [['kv', 'set', 'db-password=s3cret', 'greeting=hello world', 'eq=a=b'], true],
  [['kv', 'get', 'db-password'], true],
  [['kv', 'get', 'missing'], true],
  [['kv', 'get'], true],
  [['kv', 'get', '--format', 'json'], true],
  [['kv', 'get', 'greeting', '--format=json'], true],
  [['kv', 'get', '--format', 'yaml'], true],
  [['kv', 'delete', 'eq'], true],
  [['kv', 'get'], true],
  [['kv', 'set', 'not-a-pair'], true],
  [['kv', 'set'], false],
  [['kv', 'get', '--bogus'], false],
  [['kv', 'get', '--help'], false],
  [['kv'], false],
  [['get-config'], true],
  [['get-config', 'port', '--format', 'json'], true],
  [['set-status', 'active', 'all', 'good'], true, 'script'],
  [['set-status', 'active'], true],
  [['set-status', 'sleeping', 'zzz'], true, 'script'],
  [['set-status', '--app', '-n', 'x', 'active'], true],
  [['relation', 'get', '-r', 'db:1'], true],
  [['relation', 'get', 'host'], true],
  [['relation', 'list-ids', '-n', 'db'], true],
  [['leader', 'is-leader'], true],
  [['log', '-l', 'LOUD', 'hello'], true],
  [['log', 'hello', 'world'], true],
  [['port', 'open', '80'], true],
  [['container', 'image', 'get'], true],
  [['container', 'env', 'get', '-c', 'web'], true],
  [['kv', 'get', 'x'], true, 'none'],
  // No daemon involved; only the outputs that do not vary.
  [['random', '--range', '5', '5'], true, 'none'],
  [['random', '--length', '0'], true],
  [['random', '--length', 'x'], true],
  [['random', '--float'], true],
  [['random', '--range', '1'], false],
];

same('stdout, stderr and the exit code are the same from the fast path, the full CLI and bin/lucky.cjs; the fast path takes what it should', async () => {
  for (const [argv, takesFast, envKind] of TABLE) {
    const env = envKind === 'none' ? {} : envKind === 'script' ? { ...ctx.daemon.env, LUCKY_SCRIPT_ID: 'install/0' } : ctx.daemon.env;
    const full = await run(ctx.fullOnly, argv, env);
    const viaBin = await run(LUCKY_BIN, argv, env);
    const line = argv.join(' ');
    assert.equal(viaBin, full, `lucky ${line}: bin/lucky.cjs as the full CLI`);
    const fastOnly = await run(ctx.fastOnly, argv, env);
    if (takesFast) assert.equal(fastOnly, full, `lucky ${line}: the fast path as the full CLI`);
    else assert.equal(fastOnly, { exitCode: 99, stdout: '', stderr: '' }, `lucky ${line}: left to the full CLI, nothing written`);
  }
  // The table reaches the daemon and its errors, not only parse errors.
  assert.is((await run(LUCKY_BIN, ['kv', 'get', 'greeting'], ctx.daemon.env)).stdout, 'hello world\n');
});

same('a reader that went away: the fast path ends quietly with exit 141, as the full CLI does', async () => {
  for (const entry of [ctx.fastOnly, ctx.fullOnly]) {
    const ended = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [entry, 'kv', 'get', 'greeting'], {
        env: { PATH: process.env.PATH, ...ctx.daemon.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stderr }));
    });
    assert.equal(ended, { code: 141, stderr: '' }, entry);
  }
});

const dispatch = suite('cli: lucky dispatch takes the fast path while the unit has a current daemon, and leaves starting one to the full CLI');

dispatch('no daemon, a current daemon, a daemon of another revision', async () => {
  const dir = await tempDir('lucky-fast-dispatch-');
  const charm = await writeCharm(join(dir, 'charm'), {
    'lucky.yaml': [
      'use-docker: false',
      'hooks:',
      '  greet:',
      '    - inline-host-script: echo "hello from $LUCKY_HOOK"; echo "to stderr" >&2',
      '  fail:',
      '    - inline-host-script: echo "about to fail" >&2; exit 3',
      '',
    ].join('\n'),
  });
  const env = {
    JUJU_UNIT_NAME: 'fast/0',
    JUJU_CHARM_DIR: charm,
    LUCKY_DAEMON_SOCKET: join(dir, 'run', 'daemon.sock'),
    LUCKY_DATA_DIR: join(dir, 'data'),
  };
  const fastOnly = join(dir, 'fast-only.cjs');
  writeFileSync(fastOnly, `require(${JSON.stringify(FAST_BUNDLE)}).run().then((done) => { if (!done) process.exitCode = 99; });\n`);
  const fullOnly = join(dir, 'full-only.cjs');
  writeFileSync(fullOnly, `require(${JSON.stringify(FULL_BUNDLE)}).main();\n`);
  const declined = { exitCode: 99, stdout: '', stderr: '' };
  try {
    // No daemon: the fast path declines, having started none.
    assert.equal(await run(fastOnly, ['dispatch', 'greet'], env), declined, 'no daemon');
    assert.not.ok(existsSync(env.LUCKY_DAEMON_SOCKET), 'the fast path started no daemon');
    // bin/lucky.cjs: the full CLI starts the daemon and runs the hook.
    const first = await run(LUCKY_BIN, ['dispatch', 'greet'], env);
    assert.equal(first, { exitCode: 0, stdout: 'hello from greet\n', stderr: 'to stderr\n' }, 'first hook');
    const pid = (JSON.parse((await run(LUCKY_BIN, ['daemon', 'status', '--format', 'json'], env)).stdout) as { pid: number }).pid;
    // A current daemon: the fast path runs hooks, failing ones included, as the full CLI does.
    for (const hook of ['greet', 'fail', 'no-such-hook']) {
      const full = await run(fullOnly, ['dispatch', hook], env);
      assert.equal(await run(fastOnly, ['dispatch', hook], env), full, `dispatch ${hook}`);
      assert.equal(await run(LUCKY_BIN, ['dispatch', hook], env), full, `bin/lucky.cjs dispatch ${hook}`);
    }
    assert.is((await run(fastOnly, ['dispatch', 'fail'], env)).exitCode, 1);
    // An upgraded charm: the fast path leaves the running daemon alone and declines; the full CLI restarts it.
    writeFileSync(join(charm, 'lucky.yaml'), 'use-docker: false\nhooks:\n  greet:\n    - inline-host-script: echo "hello again"\n');
    assert.equal(await run(fastOnly, ['dispatch', 'greet'], env), declined, 'another revision');
    assert.ok(isProcessRunning(pid), 'the old daemon still runs');
    const upgraded = await run(LUCKY_BIN, ['dispatch', 'greet'], env);
    assert.is(upgraded.stdout, 'hello again\n');
    assert.match(upgraded.stderr, /serves another revision of the charm .* restarting it/);
    assert.equal(await run(fastOnly, ['dispatch', 'greet'], env), { exitCode: 0, stdout: 'hello again\n', stderr: '' }, 'the restarted daemon is current');
  } finally {
    await run(LUCKY_BIN, ['daemon', 'stop', '--ignore-already-stopped'], env);
    await removeDir(dir);
  }
});

test.run();
same.run();
dispatch.run();
