import { copyFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeDir, tempDir } from '@lucky/test-utils';
import { thinCommandRunner } from '../src/thin-commands.js';

const FAST_BUNDLE = fileURLToPath(new URL('../dist/bundle/lucky-fast.cjs', import.meta.url));

const test = suite("cli: the daemon's runner for thin-client calls");

function call(argv: string[]) {
  let stderr = '';
  const sink = (write: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        write(chunk.toString());
        done();
      },
    });
  return {
    call: { argv, env: {}, cwd: '/', stdout: sink(() => undefined), stderr: sink((text) => (stderr += text)), signal: new AbortController().signal },
    stderr: () => stderr,
  };
}

test('runs fast commands, declines the rest, and declines everything once its bundle is replaced (a charm upgrade)', async () => {
  const dir = await tempDir('lucky-thin-runner-');
  try {
    const file = join(dir, 'lucky-fast.cjs');
    copyFileSync(FAST_BUNDLE, file);
    const run = thinCommandRunner(file);
    assert.ok(run);
    // No daemon in this environment: the command runs and says so, as the CLI would.
    const kv = call(['kv', 'get', 'x']);
    assert.is(await run(kv.call), 1);
    assert.match(kv.stderr(), 'Not in a hook context');
    assert.is(await run(call(['daemon', 'status']).call), undefined, 'left to the CLI');
    // Juju replaces the charm's files on upgrade: a new file, though the same bytes.
    copyFileSync(FAST_BUNDLE, `${file}.new`);
    renameSync(`${file}.new`, file);
    assert.is(await run(call(['kv', 'get', 'x']).call), undefined);
  } finally {
    await removeDir(dir);
  }
});

test('without its bundle (an unbundled build) there is no runner', () => {
  assert.is(thinCommandRunner('/nonexistent/lucky-fast.cjs'), undefined);
});

test.run();
