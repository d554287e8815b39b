import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { BIN, create, removeDir, tempDir } from './support.js';

interface Ctx {
  cwd: string;
}

const test = suite<Ctx>('create-lucky-charm: prompts, through stdin and through a pseudo-terminal');

test.before.each(async (ctx) => {
  ctx.cwd = await tempDir('prompts');
});

test.after.each(async (ctx) => {
  await removeDir(ctx.cwd);
});

async function metadata(dir: string): Promise<string[]> {
  const data = parse(await readFile(join(dir, 'metadata.yaml'), 'utf8')) as Record<string, string>;
  return [data.name ?? '', data['display-name'] ?? '', data.summary ?? '', data.maintainer ?? ''];
}

const DEFAULT_MAINTAINER = 'John Doe <johndoe@emailprovider.com>';

test('--interactive reads the answers from piped stdin, in BLD-02 order, with defaults shown', async ({ cwd }) => {
  const result = await create(cwd, ['web', '--interactive', '--no-git'], 'Web Shop\n\nSells things.\nAda <ada@example.com>\n');
  assert.is(result.exitCode, 0, result.stderr);
  const dir = join(cwd, 'web');
  assert.ok(
    result.stdout.startsWith(
      `Creating a Lucky charm in ${dir}.\n` +
        'Display name [web]: Web Shop\n' +
        'Charm name [web-shop]: \n' +
        'Charm summary [A short summary of my app.]: Sells things.\n' +
        `Charm maintainer [${DEFAULT_MAINTAINER}]: Ada <ada@example.com>\n` +
        `Created Web Shop (web-shop) in ${dir}.\n`,
    ),
    result.stdout,
  );
  assert.equal(await metadata(dir), ['web-shop', 'Web Shop', 'Sells things.', 'Ada <ada@example.com>']);
});

test('an invalid charm name is asked again; the end of input takes the defaults', async ({ cwd }) => {
  const result = await create(cwd, ['shop', '--interactive', '--no-git'], '\nShop Two\nshop-2\n');
  assert.is(result.exitCode, 0, result.stderr);
  assert.match(
    result.stdout,
    'Charm name [shop]: Shop Two\nInvalid charm name "Shop Two": use lowercase letters, digits and single hyphens, starting with a letter (e.g. my-charm).\nCharm name [shop]: shop-2\n',
  );
  assert.equal(await metadata(join(cwd, 'shop')), ['shop-2', 'shop', 'A short summary of my app.', DEFAULT_MAINTAINER]);
});

test('values given as flags are not asked', async ({ cwd }) => {
  const result = await create(cwd, ['d', '--interactive', '--no-git', '--name', 'flagged', '--summary', 'From a flag.'], 'Asked\nMe <me@example.com>\n');
  assert.is(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, 'Display name [d]: Asked\nCharm maintainer [');
  assert.not.match(result.stdout, 'Charm name [');
  assert.not.match(result.stdout, 'Charm summary [');
  assert.equal(await metadata(join(cwd, 'd')), ['flagged', 'Asked', 'From a flag.', 'Me <me@example.com>']);
});

test('when input ends on an invalid default there is nobody to ask: exit 1, nothing written', async ({ cwd }) => {
  const result = await create(cwd, ['2048', '--interactive'], '');
  assert.is(result.exitCode, 1);
  assert.match(result.stderr, /^Error: Invalid charm name "2048": /);
  assert.not.ok(existsSync(join(cwd, '2048')));
});

test('without a terminal and without --interactive, nothing is asked and stdin is not read', async ({ cwd }) => {
  const result = await create(cwd, ['quiet', '--no-git'], 'Should Not Be Used\n');
  assert.is(result.exitCode, 0, result.stderr);
  assert.not.match(result.stdout, '[');
  assert.equal(await metadata(join(cwd, 'quiet')), ['quiet', 'quiet', 'A short summary of my app.', DEFAULT_MAINTAINER]);
});

/**
 * Runs the bin on a pseudo-terminal (util-linux `script`) and types each answer
 * only once its prompt has appeared, like a person at a terminal.
 */
async function onTerminal(
  cwd: string,
  args: readonly string[],
  dialogue: ReadonlyArray<readonly [prompt: string, keys: string]>,
): Promise<{ exitCode: number; output: string }> {
  const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  const child = execa('script', ['-qfec', command, '/dev/null'], { cwd, reject: false, stdin: 'pipe', env: { TERM: 'xterm', npm_config_user_agent: '' } });
  let output = '';
  let waiting: { text: string; from: number; resolve: () => void } | undefined;
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    output += chunk;
    if (waiting && output.indexOf(waiting.text, waiting.from) >= 0) waiting.resolve();
  });
  let from = 0;
  for (const [prompt, keys] of dialogue) {
    const seen = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`No prompt ${JSON.stringify(prompt)} within 20 s; output so far:\n${output}`)), 20_000);
      waiting = {
        text: prompt,
        from,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      if (output.indexOf(prompt, from) >= 0) waiting.resolve();
    });
    await Promise.race([
      seen,
      child.then(() => {
        throw new Error(`Exited before prompt ${JSON.stringify(prompt)}; output:\n${output}`);
      }),
    ]);
    from = output.indexOf(prompt, from) + prompt.length;
    child.stdin?.write(keys);
  }
  child.stdin?.end();
  const result = await child;
  return { exitCode: result.exitCode ?? -1, output };
}

test('on a terminal the prompts appear without --interactive and typed answers are used', async ({ cwd }) => {
  const { exitCode, output } = await onTerminal(
    cwd,
    ['tty-dir', '--no-git'],
    [
      ['Display name [tty-dir]: ', 'Tty Shop\r'],
      ['Charm name [tty-shop]: ', 'Bad\r'],
      ['Charm name [tty-shop]: ', '\r'],
      ['Charm summary [A short summary of my app.]: ', 'Typed on a terminal.\r'],
      [`Charm maintainer [${DEFAULT_MAINTAINER}]: `, '\r'],
    ],
  );
  assert.is(exitCode, 0, output);
  assert.match(output, 'Invalid charm name "Bad"');
  assert.match(output, `Created Tty Shop (tty-shop) in ${join(cwd, 'tty-dir')}.`);
  assert.equal(await metadata(join(cwd, 'tty-dir')), ['tty-shop', 'Tty Shop', 'Typed on a terminal.', DEFAULT_MAINTAINER]);
});

test('on a terminal --yes asks nothing', async ({ cwd }) => {
  const { exitCode, output } = await onTerminal(cwd, ['tty-yes', '--yes', '--no-git'], []);
  assert.is(exitCode, 0, output);
  assert.not.match(output, 'Display name [');
  assert.equal((await metadata(join(cwd, 'tty-yes')))[0], 'tty-yes');
});

test('Ctrl-C at a prompt cancels: exit 1, nothing written', async ({ cwd }) => {
  const { exitCode, output } = await onTerminal(
    cwd,
    ['tty-cancel'],
    [
      ['Display name [tty-cancel]: ', 'Half typed'],
      ['Half typed', '\x03'],
    ],
  );
  assert.is(exitCode, 1, output);
  assert.match(output, 'Error: Cancelled; nothing was written.');
  assert.not.ok(existsSync(join(cwd, 'tty-cancel')));
});

test.run();
