import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite, type Test } from 'uvu';
import * as assert from 'uvu/assert';
import { isLuckyError } from '@lucky/core';

/** A directory of fake hook tools, first on the tools' PATH. */
export interface FakeToolsCtx {
  dir: string;
  env: Record<string, string>;
}

/** A suite whose every test gets a fresh directory of fake tools. */
export function fakeToolsSuite(title: string, prefix: string): Test<FakeToolsCtx> {
  const test = suite<FakeToolsCtx>(title);
  test.before.each(async (ctx) => {
    ctx.dir = await mkdtemp(join(tmpdir(), prefix));
    ctx.env = { PATH: `${ctx.dir}:/usr/bin:/bin` };
  });
  test.after.each(async (ctx) => {
    await rm(ctx.dir, { recursive: true, force: true });
  });
  return test;
}

/** A fake tool: records its argv (NUL-separated) and behaves as the shell body says. */
export function fakeTool(ctx: FakeToolsCtx, name: string, body: string): void {
  const file = join(ctx.dir, name);
  writeFileSync(file, `#!/bin/bash\nprintf '%s\\0' "$@" > ${JSON.stringify(join(ctx.dir, `${name}.argv`))}\n${body}\n`);
  chmodSync(file, 0o755);
}

/** The arguments the fake tool `name` was last called with. */
export function argv(ctx: FakeToolsCtx, name: string): string[] {
  return readFileSync(join(ctx.dir, `${name}.argv`), 'utf8')
    .split('\0')
    .slice(0, -1);
}

/** The LuckyError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isLuckyError(error), `not a LuckyError: ${String(error)}`);
    return error;
  }
  throw new Error('expected a failure');
}
