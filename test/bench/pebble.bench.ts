import { join } from 'node:path';
import { execa } from 'execa';
import { DaemonClient } from '@lucky/core';
import { LocalModel } from '@lucky/testing';
import { LUCKY_BIN, removeDir, tempDir, testImage, useDockerEngine, writeCharm } from '@lucky/test-utils';
import { median, ms, report, timed } from './stats.js';

const UNIT = 'bench/0';

/**
 * Benchmarks of issue 10, on a Kubernetes unit of `lucky sim` (its workload container a
 * Docker container under the simulator's Pebble-compatible server, the charm with
 * `runtime: pebble`): a container script through Pebble exec against `docker exec` of the
 * same command, and an env change applied with replan against `docker restart`.
 */
export async function benchPebble(): Promise<void> {
  const engine = await useDockerEngine();
  const image = await testImage(engine.socketPath);
  const dir = await tempDir('lucky-bench-pebble-');
  // Hooks find this workspace's `lucky` first on PATH.
  await writeCharm(dir, { 'bin/lucky': `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(LUCKY_BIN)} "$@"\n` });
  const bin = join(dir, 'bin');
  const charm = await writeCharm(join(dir, 'charm'), {
    'metadata.yaml': 'name: bench\ncontainers:\n  app:\n    resource: app-image\nresources:\n  app-image:\n    type: oci-image\n',
    'lucky.yaml': [
      'runtime: pebble',
      'hooks:',
      '  app-pebble-ready:',
      '    - inline-host-script: lucky container image set app-image && lucky container set-command -- sleep 3600',
      '  bench-empty: []',
      '  bench-exec:',
      '    - inline-container-script: "true"',
      '      shell-command: ["/bin/sh", "-c"]',
      '',
    ].join('\n'),
    dispatch: '#!/bin/sh\nexec lucky dispatch\n',
  });
  const cli = 'lucky-bench-pebble-cli';
  const docker = (...args: string[]) =>
    execa('docker', args, { env: { PATH: process.env.PATH ?? '', DOCKER_HOST: `unix://${engine.socketPath}` }, stdin: 'ignore' });
  const model = await LocalModel.create(join(dir, 'model'), { path: [bin] });
  try {
    const deployed = await model.deploy(charm, { resources: { 'app-image': image } });
    const failed = deployed.find((outcome) => outcome.exitCode !== 0);
    if (failed) throw new Error(`${failed.hook} failed: ${failed.stderr}`);
    const unit = (await model.status()).applications[0]?.units[0];
    const socketPath = unit?.containers?.[0]?.socketPath;
    if (!unit || socketPath === undefined) throw new Error('the bench unit has no container');
    const { default: Docker } = await import('dockerode');
    const api = new Docker({ socketPath: engine.socketPath });
    const [workload] = await api.listContainers({ filters: { label: [`lucky.sim.model=${model.dir}`, `lucky.sim.container=app`] } });
    if (!workload) throw new Error('no workload container');

    // 1. A no-op container script through lucky dispatch and the Pebble runtime (hook with it minus the empty hook).
    const env = {
      ...model.unitEnv(UNIT),
      LUCKY_PEBBLE_CONTAINERS_DIR: socketPath.slice(0, socketPath.lastIndexOf('/app/')),
      JUJU_CONTEXT_ID: 'bench-pebble',
    };
    const withScript: number[] = [];
    const empty: number[] = [];
    for (let i = 0; i < 15; i++) {
      withScript.push(await timed(() => execa(process.execPath, [LUCKY_BIN, 'dispatch', 'bench-exec'], { env, extendEnv: false, cwd: charm })));
      empty.push(await timed(() => execa(process.execPath, [LUCKY_BIN, 'dispatch', 'bench-empty'], { env, extendEnv: false, cwd: charm })));
    }
    const dockerExec: number[] = [];
    for (let i = 0; i < 15; i++) dockerExec.push(await timed(() => docker('exec', workload.Id, 'true')));
    const script = median(withScript) - median(empty);
    report('no-op container script via Pebble (hook with it minus empty)', ms(script));
    report('docker exec of the same command (CLI), median', ms(median(dockerExec)));
    report('ratio container script / docker exec', (script / median(dockerExec)).toFixed(2));

    // 2. A config change: an env change applied by Lucky (layer + replan restarts the service)
    //    against `docker restart` of a container running the same command. Like Pebble, the
    //    server reports a service started once it has run for 1 s (its "okay" delay).
    const client = await DaemonClient.connect(unit.socketPath);
    await docker('run', '-d', '--init', '--name', cli, '--label', 'lucky.test=1', image, 'sleep', '3600');
    const replan: number[] = [];
    const restart: number[] = [];
    try {
      for (let i = 0; i < 10; i++) {
        replan.push(
          await timed(async () => {
            await client.call('container.env.set', { values: { ROUND: String(i) } });
            await client.call('container.apply', {});
          }),
        );
        restart.push(await timed(() => docker('restart', cli)));
      }
    } finally {
      client.close();
    }
    report('env change applied by Lucky (layer + replan, 1 s okay delay), median', ms(median(replan)));
    report('docker restart of the same command (CLI), median', ms(median(restart)));
    report('ratio replan / docker restart', (median(replan) / median(restart)).toFixed(2));
  } finally {
    await docker('rm', '-f', cli).catch(() => undefined);
    await model.destroy();
    await engine.stop();
    await removeDir(dir);
  }
}
