import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lucky, removeDir, tempDir, type LuckyResult } from '@lucky/test-utils';

/**
 * The conventions every `lucky` command follows: groups list their commands, unknown
 * commands get the closest ones, placeholders are names, usage errors exit 2 and
 * everything else 1, and an option an error suggests is one `--help` documents.
 */
const test = suite<{ commands: string[] }>('lucky CLI conventions, on every command');

const DB_CHARM = fileURLToPath(new URL('../fixtures/lucky-db/', import.meta.url));

/** Outside any hook: no unit, no socket. */
const NO_HOOK = { LUCKY_DAEMON_SOCKET: undefined, JUJU_UNIT_NAME: undefined };

/** `lucky kv get [--format <format>] [key]` → `kv get`. */
function commandWords(line: string): string {
  const words: string[] = [];
  for (const token of line.trim().split(' ').slice(1)) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(token)) break;
    words.push(token);
  }
  return words.join(' ');
}

/** Runs `lucky` once per item, a few at a time (each is a process). */
async function each<T>(items: readonly string[], run: (item: string) => Promise<T>): Promise<Map<string, T>> {
  const results = new Map<string, T>();
  const queue = [...items];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) results.set(item, await run(item));
    }),
  );
  return results;
}

test.before(async (ctx) => {
  const help = await lucky(['--help'], NO_HOOK);
  assert.is(help.exitCode, 0, help.stderr);
  ctx.commands = [
    ...new Set(
      help.stdout
        .split('\n')
        .filter((line) => line.startsWith('  lucky '))
        .map(commandWords),
    ),
  ];
  assert.ok(ctx.commands.includes('kv get') && ctx.commands.includes('sim deploy') && ctx.commands.includes('container port add'), ctx.commands.join(', '));
});

test('a group alone or with --help lists its commands (exit 0)', async () => {
  for (const [args, members] of [
    [['kv'], ['lucky kv delete', 'lucky kv get', 'lucky kv set']],
    [
      ['kv', '--help'],
      ['lucky kv delete', 'lucky kv get', 'lucky kv set'],
    ],
    [
      ['container', '--help'],
      ['lucky container image set', 'lucky container port add', 'lucky container volume add'],
    ],
    [
      ['container', 'image', '-h'],
      ['lucky container image get', 'lucky container image set'],
    ],
    [
      ['sim', '--help'],
      ['lucky sim deploy', 'lucky sim status', 'lucky sim resolved'],
    ],
    [['sim'], ['lucky sim deploy', 'lucky sim status']],
  ] as const) {
    const result = await lucky(args, NO_HOOK);
    assert.is(result.exitCode, 0, `${args.join(' ')}: ${result.stderr}`);
    assert.is(result.stderr, '');
    assert.match(result.stdout, `The "lucky ${args.filter((arg) => !arg.startsWith('-')).join(' ')}" commands:`);
    for (const member of members) assert.match(result.stdout, new RegExp(`^  ${member} +\\S`, 'm'), `${args.join(' ')} lists ${member}`);
  }
});

test('an unknown command suggests the closest ones (exit 2)', async () => {
  for (const [args, suggested] of [
    [['kv', 'gte'], 'lucky kv get'],
    [['kb', 'get', 'x'], 'lucky kv get'],
    [['sim', 'deplyo', './charm'], 'lucky sim deploy'],
    [['set-stauts', 'active'], 'lucky set-status'],
  ] as const) {
    const result = await lucky(args, NO_HOOK);
    assert.is(result.exitCode, 2, args.join(' '));
    assert.is(result.stdout, '');
    assert.match(result.stderr, `Error: Unknown command: lucky ${args.join(' ')}\nDid you mean:\n`);
    assert.match(result.stderr, new RegExp(`^  ${suggested}$`, 'm'));
  }
  const nothingClose = await lucky(['frobnicate'], NO_HOOK);
  assert.is(nothingClose.exitCode, 2);
  assert.not.match(nothingClose.stderr, 'Did you mean');
});

test('every command: --help exits 0 and names its placeholders (no #0)', async (ctx) => {
  const results = await each(ctx.commands, (command) => lucky([...command.split(' '), '--help'], NO_HOOK));
  for (const [command, result] of results) {
    assert.is(result.exitCode, 0, `${command} --help: ${result.stderr}`);
    assert.match(result.stdout, `$ lucky ${command}`);
    assert.not.match(result.stdout, /#\d/, `${command} --help shows a #N placeholder:\n${result.stdout}`);
  }
  const overview = await lucky(['--help'], NO_HOOK);
  assert.not.match(overview.stdout, /#\d/);
});

test('every command: an unknown option is a usage error (exit 2) naming the help to read', async (ctx) => {
  const results = await each(ctx.commands, (command) => lucky([...command.split(' '), '--no-such-option'], NO_HOOK));
  for (const [command, result] of results) {
    assert.is(result.exitCode, 2, `${command} --no-such-option: ${result.stdout}${result.stderr}`);
    assert.is(result.stderr, `Error: Unknown option --no-such-option. Run "lucky ${command} --help" for the options.\n`);
  }
});

/** The options `lucky <command> --help` documents. */
async function documentedOptions(command: string): Promise<Set<string>> {
  const help = await lucky([...command.split(' '), '--help'], NO_HOOK);
  return new Set(help.stdout.match(/--[a-z][a-z0-9-]*/g) ?? []);
}

test('outside a hook, script commands fail with exit 1 (not a usage error); options their errors suggest are documented', async () => {
  for (const [command, ...rest] of [
    ['kv get'],
    ['kv set', 'a=1'],
    ['daemon status'],
    ['daemon stop'],
    ['relation list-ids', '-n', 'db'],
    ['set-status', '--name', 'main', 'active'],
    ['get-config'],
    ['container image get'],
    ['leader is-leader'],
  ] as const) {
    const args = [...command.split(' '), ...rest];
    const result: LuckyResult = await lucky(args, NO_HOOK);
    assert.is(result.exitCode, 1, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /^Error: Not in a hook context: /);
    const documented = await documentedOptions(command);
    for (const option of result.stderr.match(/--[a-z][a-z0-9-]*/g) ?? [])
      assert.ok(documented.has(option), `"${args.join(' ')}" suggests ${option}, which "lucky ${command} --help" does not document`);
  }
});

test('a bad value is a usage error (exit 2); a failure of the work is exit 1', async () => {
  const badFormat = await lucky(['daemon', 'status', '--unit-name', 'app/0', '--format', 'xml'], NO_HOOK);
  assert.is(badFormat.exitCode, 2, badFormat.stderr);
  assert.match(badFormat.stderr, 'Invalid --format "xml"');
  const noDaemon = await lucky(['kv', 'get'], { LUCKY_DAEMON_SOCKET: '/nonexistent/lucky.sock' });
  assert.is(noDaemon.exitCode, 1, noDaemon.stderr);
  const noModel = await lucky(['sim', 'status', '--model', '/nonexistent/model'], NO_HOOK);
  assert.is(noModel.exitCode, 1, noModel.stderr);
});

test('lucky sim: a charm without dispatch, a hook the charm cannot receive and a missing model are errors with the command to run', async () => {
  const dir = await tempDir('lucky-conventions-');
  try {
    const model = join(dir, 'model');
    const source = join(dir, 'source');
    await mkdir(source);
    await writeFile(join(source, 'metadata.yaml'), 'name: src\n');
    await writeFile(join(source, 'lucky.yaml'), 'hooks: {}\n');
    const undeployable = await lucky(['sim', 'deploy', source, '--model', model], NO_HOOK);
    assert.is(undeployable.exitCode, 1, undeployable.stderr);
    assert.match(
      undeployable.stderr,
      `Error: ${source} has no dispatch file and no hooks/ directory, so none of its hooks would run. Build it first: "lucky charm build `,
    );
    assert.match(undeployable.stderr, `then deploy ${join(source, 'build', 'src')}.`);

    const missing = await lucky(['sim', 'status', '--model', join(dir, 'none')], NO_HOOK);
    assert.is(missing.exitCode, 1, missing.stderr);
    assert.is(
      missing.stderr,
      `Error: There is no model in ${join(dir, 'none')}: deploy a charm to create one ("lucky sim deploy <charm>"), or give the model's directory with --model <dir> (or LUCKY_SIM_MODEL).\n`,
    );
    assert.ok((await documentedOptions('sim status')).has('--model'));

    const deployed = await lucky(['sim', 'deploy', DB_CHARM, 'db', '--model', model], NO_HOOK);
    assert.is(deployed.exitCode, 0, deployed.stdout + deployed.stderr);
    const typo = await lucky(['sim', 'hook', 'db/0', 'upate-status', '--model', model], NO_HOOK);
    assert.is(typo.exitCode, 1, typo.stderr);
    assert.match(typo.stderr, 'cannot receive the hook "upate-status"; did you mean "update-status"?');
    const noAction = await lucky(['sim', 'run', 'db/0', 'upate-status', '--model', model], NO_HOOK);
    assert.is(noAction.exitCode, 1, noAction.stderr);
    assert.match(noAction.stderr, 'action "upate-status" not defined');
    await lucky(['sim', 'destroy', '--model', model], NO_HOOK);
  } finally {
    await removeDir(dir);
  }
});

test.run();
