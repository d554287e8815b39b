import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LUCKY_BIN, removeDir, tempDir } from '@lucky/test-utils';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TUTORIAL = join(ROOT, 'docs/tutorial.md');
const SCAFFOLDER = join(ROOT, 'templates/create-lucky-charm/bin/create-lucky-charm.js');

const test = suite('the tutorial: every sh block runs, in order, against the built CLI and the simulator');

/** The fenced `sh` blocks of a Markdown page, in order. */
function shBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

test('the page has the steps the brief promises', () => {
  const joined = shBlocks(readFileSync(TUTORIAL, 'utf8')).join('\n');
  for (const command of ['create-lucky-charm my-charm', 'lucky charm build', 'lucky sim deploy', 'lucky sim relate', 'lucky sim config', 'lucky sim status']) {
    assert.ok(joined.includes(command), `the tutorial never runs ${command}`);
  }
});

test('every block succeeds in one shell, and the result is what the page says', async () => {
  const dir = await tempDir('lucky-tutorial-');
  try {
    // `lucky` and `create-lucky-charm` on PATH, as "Before you start" asks.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(LUCKY_BIN, join(bin, 'lucky'));
    symlinkSync(SCAFFOLDER, join(bin, 'create-lucky-charm'));
    const work = join(dir, 'work');
    mkdirSync(work);
    // One shell for the whole page, as a reader types it; each block is echoed before it runs.
    const script = ['set -euo pipefail', ...shBlocks(readFileSync(TUTORIAL, 'utf8')).map((block, i) => `echo "== block ${i + 1}"\n${block}`)].join('\n');
    const result = await execa('bash', ['-c', script], {
      cwd: work,
      env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: process.env.HOME ?? '/root', LANG: 'C.UTF-8' },
      extendEnv: false,
      reject: false,
      all: true,
      timeout: 300_000,
    });
    assert.is(result.exitCode, 0, result.all);
    const out = result.all;
    // lucky sim status: both applications active, the relation listed.
    assert.match(out, /\nmy-charm +(\S+ +)?active +1 +my-charm +\d+ +no +Serving on port 8080\n/);
    assert.match(out, /\ntiny-db +(\S+ +)?active +1 +tiny-db +\d+ +no +Ready\n/);
    assert.match(out, /\ntiny-db:db +my-charm:database +pgsql +regular\n/);
    // The refresh action reports the database host the web container has in DB_HOST.
    assert.match(out, /^db-host: 127\.0\.1\.\d+$/m);
    assert.match(out, /^greeting: Hi$/m);
    assert.match(out, /destroyed/);
  } finally {
    await execa('node', [LUCKY_BIN, 'sim', 'destroy', '--model', join(dir, 'work', '.lucky-sim')], { reject: false });
    await removeDir(dir);
  }
});

test.run();
