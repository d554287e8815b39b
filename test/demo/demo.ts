// `pnpm demo`: the local model simulator on the example charms, through the real
// `lucky sim` commands: deploy two units, relate them to a database, change config,
// and print the status table. Every hook runs the charm's real `dispatch` file.
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { LUCKY_BIN, removeDir, tempDir } from '@lucky/test-utils';

const demo = fileURLToPath(new URL('../fixtures/lucky-demo/', import.meta.url));
const db = fileURLToPath(new URL('../fixtures/lucky-db/', import.meta.url));
const dir = await tempDir('lucky-demo-');
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', LUCKY_SIM_MODEL: dir };

async function sim(...args: string[]): Promise<void> {
  process.stdout.write(`\n$ lucky sim ${args.join(' ')}\n`);
  const result = await execa(process.execPath, [LUCKY_BIN, 'sim', ...args], { env, extendEnv: false, reject: false, stdout: 'inherit', stderr: 'inherit' });
  if (result.exitCode !== 0) throw new Error(`lucky sim ${args.join(' ')} exited ${result.exitCode}`);
}

try {
  await sim('deploy', demo, 'demo', '-n', '2');
  await sim('deploy', db, 'db');
  await sim('relate', 'demo:db', 'db:db');
  await sim('config', 'demo', 'greeting=Bonjour', 'port=9090');
  await sim('run', 'demo/0', 'update-status');
  await sim('status');
} finally {
  await execa(process.execPath, [LUCKY_BIN, 'sim', 'destroy'], { env, extendEnv: false, reject: false });
  await removeDir(dir);
}
