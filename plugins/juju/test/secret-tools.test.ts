import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isLuckyError, type LuckyError } from '@lucky/core';
import { secretAdd, secretGet, secretSet } from '../src/tools/index.js';

interface Ctx {
  dir: string;
  env: Record<string, string>;
}

const test = suite<Ctx>('juju bridge: secret content reaches the hook tool in private files, never in argv or errors');

const VALUE = 'Zq-very-secret-4711';

/**
 * A fake secret tool: records its argv, and for each `key#file=<path>` argument the file's
 * mode and content (as the real tool reads it), then behaves as the shell body says.
 */
function fakeTool(ctx: Ctx, name: string, body: string): void {
  const file = join(ctx.dir, name);
  const record = JSON.stringify(join(ctx.dir, `${name}.record`));
  writeFileSync(
    file,
    `#!/bin/bash\n: > ${record}\nfor arg in "$@"; do\n  printf 'arg %s\\n' "$arg" >> ${record}\n  case "$arg" in *'#file='*) f="\${arg#*#file=}"; printf 'file %s %s\\n' "$(stat -c %a "$f")" "$(cat "$f")" >> ${record};; esac\ndone\n${body}\n`,
  );
  chmodSync(file, 0o755);
}

function record(ctx: Ctx, name: string): string[] {
  return readFileSync(join(ctx.dir, `${name}.record`), 'utf8')
    .trimEnd()
    .split('\n');
}

async function failure(promise: Promise<unknown>): Promise<LuckyError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isLuckyError(error), `not a LuckyError: ${String(error)}`);
    return error;
  }
  throw new Error('expected a failure');
}

test.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'lucky-secret-tools-'));
  ctx.env = { PATH: `${ctx.dir}:/usr/bin:/bin` };
});

test.after.each(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

test('secret-add: values and base64 values go as key#file= of 0600 files, removed afterwards; files pass through; flags before --', async (ctx) => {
  fakeTool(ctx, 'secret-add', 'echo secret:d0l4ft3ndudj2q1f2d6g');
  const id = await secretAdd(
    ctx.env,
    { values: { password: VALUE }, base64: { blob: 'aGk=' }, files: { cert: '/etc/cert.pem' } },
    { owner: 'unit', label: 'db', description: 'the db', expire: '24h', rotate: 'daily' },
  );
  assert.is(id, 'secret:d0l4ft3ndudj2q1f2d6g');
  const lines = record(ctx, 'secret-add');
  assert.not.ok(
    lines.some((line) => line.startsWith('arg') && line.includes(VALUE)),
    'the value is in no argument',
  );
  const args = lines.filter((line) => line.startsWith('arg ')).map((line) => line.slice(4));
  assert.equal(args.slice(0, 11), ['--owner', 'unit', '--label', 'db', '--description', 'the db', '--expire', '24h', '--rotate', 'daily', '--']);
  assert.match(args[11] ?? '', /^password#file=\/.+\/lucky-secret-[^/]+\/0$/);
  assert.match(args[12] ?? '', /^blob#base64#file=\/.+\/lucky-secret-[^/]+\/1$/);
  assert.is(args[13], 'cert#file=/etc/cert.pem');
  assert.ok(lines.includes(`file 600 ${VALUE}`), lines.join('\n'));
  assert.ok(lines.includes('file 600 aGk='));
  assert.not.ok(existsSync((args[11] ?? '').slice('password#file='.length)), 'the private file is gone');
});

test('a failing secret-set reports the tool and its error, with no content in the message or the error data', async (ctx) => {
  fakeTool(ctx, 'secret-set', 'echo "ERROR permission denied" >&2; exit 1');
  const error = await failure(secretSet(ctx.env, 'secret:d0l4ft3ndudj2q1f2d6g', { values: { password: VALUE } }, {}));
  assert.is(error.message, 'secret-set failed: permission denied (exit 1)');
  assert.not.ok(JSON.stringify(error.data).includes(VALUE), JSON.stringify(error.data));
});

test('secret-get output that is not the expected JSON is refused without quoting it', async (ctx) => {
  fakeTool(ctx, 'secret-get', `echo '{"password": ["${VALUE}"]}'`);
  const error = await failure(secretGet(ctx.env, { id: 'secret:d0l4ft3ndudj2q1f2d6g' }));
  assert.not.ok(error.message.includes(VALUE), error.message);
  fakeTool(ctx, 'secret-get', `echo '{"password":"${VALUE}","user":"admin"}'`);
  assert.is(await secretGet(ctx.env, { label: 'db', key: 'password' }), VALUE, 'label and key: picked from the whole content');
  assert.equal(record(ctx, 'secret-get'), ['arg --format=json', 'arg --label', 'arg db', 'arg --']);
});

test.run();
