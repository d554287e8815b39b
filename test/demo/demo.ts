// `pnpm demo`: the whole path on the embedded defaults. Scaffold a charm with
// create-lucky-charm, build it with `lucky charm build` (Node.js bundled for this
// machine), deploy two units of the built charm in the local model simulator, relate
// them to a small database charm, change config and print the status table. Every
// hook runs the built charm's real `dispatch` and its own bundled `lucky`.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { LUCKY_BIN, removeDir, tempDir } from '@lucky/test-utils';

const scaffolder = fileURLToPath(new URL('../../templates/create-lucky-charm/bin/create-lucky-charm.js', import.meta.url));
const db = fileURLToPath(new URL('../fixtures/lucky-db/', import.meta.url));
const dir = await tempDir('lucky-demo-');
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', LUCKY_SIM_MODEL: join(dir, 'model') };

async function step(title: string, file: string, args: string[]): Promise<void> {
  process.stdout.write(`\n$ ${title} ${args.join(' ')}\n`);
  const result = await execa(process.execPath, [file, ...args], { env, extendEnv: false, reject: false, stdout: 'inherit', stderr: 'inherit', cwd: dir });
  if (result.exitCode !== 0) throw new Error(`${title} ${args.join(' ')} exited ${result.exitCode}`);
}

const charm = join(dir, 'my-charm');
try {
  await step('create-lucky-charm', scaffolder, [charm, '--yes', '--no-git']);
  await step('lucky', LUCKY_BIN, ['charm', 'build', charm]);
  await step('lucky', LUCKY_BIN, ['sim', 'deploy', join(charm, 'build', 'my-charm'), 'my-charm', '-n', '2']);
  await step('lucky', LUCKY_BIN, ['sim', 'deploy', db, 'db']);
  await step('lucky', LUCKY_BIN, ['sim', 'relate', 'my-charm:database', 'db:db']);
  await step('lucky', LUCKY_BIN, ['sim', 'config', 'my-charm', 'port=9090']);
  await step('lucky', LUCKY_BIN, ['sim', 'status']);
} finally {
  await execa(process.execPath, [LUCKY_BIN, 'sim', 'destroy'], { env, extendEnv: false, reject: false });
  await removeDir(dir);
}
