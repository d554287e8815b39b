// `pnpm demo`: the whole path on the embedded defaults. Scaffold a charm with
// create-lucky-charm, build it with `lucky charm build` (Node.js bundled for this
// machine), deploy two units of the built charm in the local model simulator, relate
// them to a small database charm, change config and print the status table. Every
// hook runs the built charm's real `dispatch` and its own bundled `lucky`. Then, when a
// Docker engine answers, the same for a Kubernetes sidecar charm (`--template k8s`): its
// web container runs under the simulator's Pebble, a custom notice fires its hook, and
// a container restart (pod churn) runs web-pebble-ready again.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { DEFAULT_DOCKER_SOCKET, LUCKY_BIN, pingDocker, removeDir, tempDir, testImage } from '@lucky/test-utils';

const scaffolder = fileURLToPath(new URL('../../templates/create-lucky-charm/bin/create-lucky-charm.js', import.meta.url));
const db = fileURLToPath(new URL('../fixtures/lucky-db/', import.meta.url));
const dir = await tempDir('lucky-demo-');
const env = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/root',
  LUCKY_SIM_MODEL: join(dir, 'model'),
  // The Kubernetes part's workload containers run on this engine.
  ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
};

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

  if (await pingDocker(process.env.DOCKER_HOST?.replace(/^unix:\/\//, '') ?? DEFAULT_DOCKER_SOCKET)) {
    const sidecar = join(dir, 'my-k8s-charm');
    // A local busybox image stands for the charm's web-image resource (nothing is pulled).
    const image = await testImage();
    await step('create-lucky-charm', scaffolder, [sidecar, '--yes', '--no-git', '--template', 'k8s']);
    await step('lucky', LUCKY_BIN, ['charm', 'build', sidecar]);
    await step('lucky', LUCKY_BIN, ['sim', 'deploy', join(sidecar, 'build', 'my-k8s-charm'), '--resource', `web-image=${image}`]);
    await step('lucky', LUCKY_BIN, ['sim', 'config', 'my-k8s-charm', 'port=9090']);
    await step('lucky', LUCKY_BIN, ['sim', 'notify', 'my-k8s-charm/0', 'web', 'example.com/reload']);
    await step('lucky', LUCKY_BIN, ['sim', 'restart-container', 'my-k8s-charm/0', 'web']);
    await step('lucky', LUCKY_BIN, ['sim', 'status']);
  } else {
    process.stdout.write('\n(No Docker engine answers: the Kubernetes charm part of the demo is skipped.)\n');
  }
} finally {
  await execa(process.execPath, [LUCKY_BIN, 'sim', 'destroy'], { env, extendEnv: false, reject: false });
  await removeDir(dir);
}
