import { existsSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LUCKY_BIN, lucky, removeDir, tempDir, waitFor, type LuckyResult } from '@lucky/test-utils';

interface Ctx {
  dir: string;
  charm: string;
}

const test = suite<Ctx>('lucky sim: hooks are shown as they finish; --quiet and --format json for scripts');

/**
 * A charm whose start hook waits for a file the test creates, so the test can see
 * what was printed while a hook is still running; update-status fails on demand.
 */
const DISPATCH = `#!/bin/bash
case "$JUJU_HOOK_NAME" in
  start) while [ ! -e "$JUJU_CHARM_DIR/go" ]; do sleep 0.05; done; status-set active ready ;;
  update-status) if [ -e "$JUJU_CHARM_DIR/fail" ]; then echo "first line" >&2; echo "the disk is full" >&2; exit 3; fi ;;
esac
`;

function sim(ctx: Ctx, ...args: string[]): Promise<LuckyResult> {
  return lucky(['sim', ...args, '--model', join(ctx.dir, 'model')], {});
}

test.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-sim-output-');
  ctx.charm = join(ctx.dir, 'charm');
  await mkdir(ctx.charm);
  await writeFile(join(ctx.charm, 'metadata.yaml'), 'name: waiter\n');
  await writeFile(join(ctx.charm, 'dispatch'), DISPATCH);
  await chmod(join(ctx.charm, 'dispatch'), 0o755);
});

test.after(async (ctx) => {
  await sim(ctx, 'destroy');
  await removeDir(ctx.dir);
});

test('deploy prints each hook when it finishes, before the next one ends (in a pipe, not a terminal)', async (ctx) => {
  const child = execa(process.execPath, [LUCKY_BIN, 'sim', 'deploy', ctx.charm, 'w', '--model', join(ctx.dir, 'model')], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  // start is blocked on the file: what was printed by now was printed while hooks ran.
  await waitFor(() => /^w\/0 +config-changed +ok$/m.test(stdout), 'config-changed to be shown while start still runs', 30_000);
  assert.match(stdout, /^w\/0 +install +ok\n/m);
  assert.not.match(stdout, /start/);
  assert.is(child.exitCode, null, 'lucky sim deploy is still running');
  await writeFile(join(ctx.charm, 'go'), '');
  const result = await child;
  assert.is(result.exitCode, 0, String(result.stderr));
  assert.match(stdout, /^w\/0 +start +ok$/m);
  // Each hook once: the summary at the end does not repeat what was streamed.
  assert.is(stdout.match(/ install /g)?.length, 1, stdout);
});

test('--format json: one JSON object per hook; a failure carries its exit code and the tail of its stderr', async (ctx) => {
  assert.ok(existsSync(join(ctx.charm, 'go')));
  const ok = await sim(ctx, 'hook', 'w/0', 'update-status', '--format', 'json');
  assert.is(ok.exitCode, 0, ok.stderr);
  assert.equal(
    ok.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown),
    [{ unit: 'w/0', hook: 'update-status', result: 'ok', exitCode: 0 }],
  );
  await writeFile(join(ctx.charm, 'fail'), '');
  const failed = await sim(ctx, 'hook', 'w/0', 'update-status', '--format', 'json');
  assert.is(failed.exitCode, 1);
  assert.equal(JSON.parse(failed.stdout), {
    unit: 'w/0',
    hook: 'update-status',
    result: 'failed',
    exitCode: 3,
    stderrTail: ['first line', 'the disk is full'],
  });
  assert.match(failed.stderr, 'Error: 1 hook failed; see "lucky sim log <unit>", fix the charm, then "lucky sim resolved <unit>".');
});

test('--quiet shows only failed hooks, with the tail of their output; plain shows every hook', async (ctx) => {
  const failed = await sim(ctx, 'resolved', 'w/0', '--quiet');
  assert.is(failed.exitCode, 1);
  assert.match(failed.stdout, /^w\/0 +update-status +failed \(exit 3\)\n +\| first line\n +\| the disk is full\n$/);
  await rm(join(ctx.charm, 'fail'));
  const quiet = await sim(ctx, 'resolved', 'w/0', '--quiet');
  assert.is(quiet.exitCode, 0, quiet.stderr);
  assert.is(quiet.stdout, '');
  const plain = await sim(ctx, 'hook', 'w/0', 'update-status');
  assert.is(plain.exitCode, 0, plain.stderr);
  assert.match(plain.stdout, /^w\/0 +update-status +ok\n$/);
});

test('a --format other than plain or json is a usage error (exit 2)', async (ctx) => {
  const result = await sim(ctx, 'hook', 'w/0', 'update-status', '--format', 'yaml');
  assert.is(result.exitCode, 2);
  assert.is(result.stderr, 'Error: Invalid --format "yaml": expected plain or json\n');
});

test.run();
