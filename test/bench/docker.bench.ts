import { join } from 'node:path';
import { execa } from 'execa';
import { DaemonClient } from '@lucky/core';
import { LUCKY_BIN, removeDir, startTestDaemon, tempDir, testImage, useDockerEngine, writeCharm } from '@lucky/test-utils';
import { median, ms, report, timed } from './stats.js';

/** Benchmarks of issue 4: applying an env change, and a no-op container script. */
export async function benchDocker(): Promise<void> {
  const engine = await useDockerEngine();
  const image = await testImage(engine.socketPath);
  const dir = await tempDir('lucky-bench-docker-');
  const charm = await writeCharm(join(dir, 'charm'), {
    'lucky.yaml': ['hooks:', '  bench-empty: []', '  bench-exec:', '    - inline-container-script: "true"', '      shell-command: ["/bin/sh", "-c"]', ''].join(
      '\n',
    ),
  });
  const daemon = await startTestDaemon({ charmDir: charm, dir, unit: 'bench/0', env: { LUCKY_DOCKER_LABELS: 'lucky.test=1' } });
  const cli = 'lucky-bench-cli';
  const docker = (...args: string[]) =>
    execa('docker', args, { env: { PATH: process.env.PATH ?? '', DOCKER_HOST: `unix://${engine.socketPath}` }, stdin: 'ignore' });
  try {
    const client = await DaemonClient.connect(daemon.socketPath);
    await client.call('container.image.set', { image, pull: false });
    await client.call('container.command.set', { command: ['sleep', '3600'] });
    await client.call('container.apply', {});

    // 1. An env change applied by Lucky (recreated and running), against docker rm -f + docker run.
    const lucky: number[] = [];
    const dockerCli: number[] = [];
    await docker('run', '-d', '--name', cli, '--label', 'lucky.test=1', image, 'sleep', '3600');
    for (let i = 0; i < 10; i++) {
      lucky.push(
        await timed(async () => {
          await client.call('container.env.set', { values: { ROUND: String(i) } });
          await client.call('container.apply', {});
        }),
      );
      dockerCli.push(
        await timed(async () => {
          await docker('rm', '-f', cli);
          await docker('run', '-d', '--name', cli, '--label', 'lucky.test=1', '-e', `ROUND=${i}`, image, 'sleep', '3600');
        }),
      );
    }
    const applyRatio = median(lucky) / median(dockerCli);
    report('env change applied by Lucky (recreate + start), median', ms(median(lucky)));
    report('docker rm -f + docker run with the CLI, median', ms(median(dockerCli)));
    report('ratio Lucky / docker CLI', applyRatio.toFixed(2), { ok: applyRatio <= 1, text: '<= 1.0' });
    client.close();

    // 2. A no-op container script (hook with it minus the empty hook) against docker exec.
    const env = { ...daemon.env, PATH: process.env.PATH ?? '', JUJU_CONTEXT_ID: 'bench-docker', LUCKY_DOCKER_LABELS: 'lucky.test=1' };
    const container = `lucky-bench-0-default`;
    const withScript: number[] = [];
    const empty: number[] = [];
    const exec: number[] = [];
    for (let i = 0; i < 15; i++) {
      withScript.push(await timed(() => execa(process.execPath, [LUCKY_BIN, 'dispatch', 'bench-exec'], { env, extendEnv: false, cwd: charm })));
      empty.push(await timed(() => execa(process.execPath, [LUCKY_BIN, 'dispatch', 'bench-empty'], { env, extendEnv: false, cwd: charm })));
      exec.push(await timed(() => docker('exec', container, 'true')));
    }
    const script = median(withScript) - median(empty);
    const execRatio = script / median(exec);
    report('no-op container script (hook with it minus empty hook)', ms(script));
    report('docker exec of the same command (CLI)', ms(median(exec)));
    report('ratio container script / docker exec', execRatio.toFixed(2), { ok: execRatio <= 1.2, text: '<= 1.2' });
  } finally {
    await docker('rm', '-f', cli).catch(() => undefined);
    await daemon.stop();
    const { default: Docker } = await import('dockerode');
    const api = new Docker({ socketPath: engine.socketPath });
    for (const info of await api.listContainers({ all: true, filters: { label: ['lucky.test=1'] } })) await api.getContainer(info.Id).remove({ force: true });
    await engine.stop();
    await removeDir(dir);
  }
}
