import { readFileSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { DaemonClient, writeLuckyShim } from '@lucky/core';
import { LUCKY_BIN, removeDir, startTestDaemon, tempDir, writeCharm } from '@lucky/test-utils';
import { median, ms, percentile, report, rssMb, timed } from './stats.js';

/** Benchmarks of issue 2: CLI start-up, RPC latency, daemon memory, per-script hook overhead. */
export async function benchCore(): Promise<void> {
  const dir = await tempDir('lucky-bench-');
  const scripts = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`host_scripts/noop-${i}.sh`, '#!/bin/sh\nexit 0\n']));
  const hookEntries = Array.from({ length: 10 }, (_, i) => `    - host-script: noop-${i}.sh`).join('\n');
  const charm = await writeCharm(join(dir, 'charm'), { 'lucky.yaml': `use-docker: false\nhooks:\n  bench-empty: []\n  bench:\n${hookEntries}\n`, ...scripts });
  // A stand-in juju-log so the daemon's log forwarding costs what a real tool would.
  const tools = join(dir, 'tools');
  mkdirSync(tools);
  writeFileSync(join(tools, 'juju-log'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(tools, 'juju-log'), 0o755);
  const daemon = await startTestDaemon({ charmDir: charm, dir });
  // A plain system PATH, as on a Juju machine: a long PATH slows every shell noticeably.
  const env = { ...daemon.env, PATH: `${tools}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`, HOME: process.env.HOME ?? '/root' };
  try {
    await execa(process.execPath, [LUCKY_BIN, 'kv', 'set', 'x=benchmark'], { env, extendEnv: false });

    // 1. Start-up: `lucky kv get x` against `node -e 0`, interleaved so machine noise hits both. Scripts run
    // `lucky` through the daemon's shim, which asks the daemon (the thin client); the Node.js CLI is its fallback.
    const shimDir = join(dir, 'shim');
    writeLuckyShim(shimDir, process.execPath, LUCKY_BIN);
    const shim = join(shimDir, 'lucky');
    const luckyTimes: number[] = [];
    const cliTimes: number[] = [];
    const nodeTimes: number[] = [];
    for (let i = 0; i < 40; i++) {
      nodeTimes.push(await timed(() => execa(process.execPath, ['-e', '0'], { env, extendEnv: false })));
      luckyTimes.push(await timed(() => execa(shim, ['kv', 'get', 'x'], { env, extendEnv: false })));
      cliTimes.push(await timed(() => execa(process.execPath, [LUCKY_BIN, 'kv', 'get', 'x'], { env, extendEnv: false })));
    }
    const ratio = median(luckyTimes) / median(nodeTimes);
    report('lucky kv get x (thin client, as scripts run it), median', ms(median(luckyTimes)));
    report('lucky kv get x on the Node.js CLI (the fallback), median', `${ms(median(cliTimes))} (${(median(cliTimes) / median(nodeTimes)).toFixed(2)}x)`);
    report('node -e 0, median wall time', ms(median(nodeTimes)));
    report('ratio lucky kv get / node -e 0', ratio.toFixed(2), { ok: ratio <= 1.25, text: '<= 1.25' });
    await benchBuiltCharm(charm, dir, env);

    // 2. RPC round trips with 32 concurrent clients, each on its own connection.
    const rssIdle = rssMb(daemon.pid);
    const clients = await Promise.all(Array.from({ length: 32 }, () => DaemonClient.connect(daemon.socketPath)));
    const latencies: number[] = [];
    const perClient = Math.ceil(10_000 / clients.length);
    // First a warm-up round (JIT of both sides), then the measured round.
    for (const measured of [false, true]) {
      await Promise.all(
        clients.map(async (client) => {
          for (let i = 0; i < perClient; i++) {
            const start = performance.now();
            if (i % 2 === 0) await client.call('kv.get', { key: 'x' });
            else await client.call('kv.list', {});
            if (measured) latencies.push(performance.now() - start);
          }
        }),
      );
    }
    for (const client of clients) client.close();
    const p99 = percentile(latencies, 99);
    report(`RPC round trip, 32 clients, ${latencies.length} calls, p50`, ms(percentile(latencies, 50)));
    report('RPC round trip, 32 clients, p99', ms(p99), { ok: p99 <= 2, text: '<= 2 ms' });

    // 3. Memory: idle, after the 20,000 calls above, and after 10,000 more (growth).
    const rssAfter = rssMb(daemon.pid);
    const again = await DaemonClient.connect(daemon.socketPath);
    for (let i = 0; i < 10_000; i++) await again.call('kv.get', { key: 'x' });
    again.close();
    const rssAgain = rssMb(daemon.pid);
    report('daemon RSS idle', `${rssIdle.toFixed(1)} MB`, { ok: rssIdle <= 60, text: '<= 60 MB' });
    report('daemon RSS after 20,000 calls', `${rssAfter.toFixed(1)} MB`, { ok: rssAfter <= 60, text: '<= 60 MB' });
    report(
      'daemon RSS after 30,000 calls (growth)',
      `${rssAgain.toFixed(1)} MB (${rssAgain - rssAfter >= 0 ? '+' : ''}${(rssAgain - rssAfter).toFixed(1)} MB)`,
      {
        ok: rssAgain <= 60 && rssAgain - rssAfter < 5,
        text: 'no growth',
      },
    );

    // 4. A hook of 10 no-op host scripts against the same 10 scripts run from bash.
    const hookEnv = { ...env, JUJU_CHARM_DIR: charm, JUJU_CONTEXT_ID: 'bench-1' };
    const hookTimes: number[] = [];
    const emptyTimes: number[] = [];
    const bashTimes: number[] = [];
    const bashLoop = Array.from({ length: 10 }, (_, i) => join(charm, 'host_scripts', `noop-${i}.sh`)).join(' && ');
    for (let i = 0; i < 15; i++) {
      hookTimes.push(await timed(() => execa(process.execPath, [LUCKY_BIN, 'dispatch', 'bench'], { env: hookEnv, extendEnv: false, cwd: charm })));
      emptyTimes.push(await timed(() => execa(process.execPath, [LUCKY_BIN, 'dispatch', 'bench-empty'], { env: hookEnv, extendEnv: false, cwd: charm })));
      // stdin ignored as for scripts the daemon runs: bash sources ~/.bashrc when stdin is a socket.
      bashTimes.push(await timed(() => execa('bash', ['-c', bashLoop], { env, extendEnv: false, stdin: 'ignore' })));
    }
    const overhead = (median(hookTimes) - median(bashTimes)) / 10;
    const perScript = (median(hookTimes) - median(emptyTimes) - median(bashTimes)) / 10;
    const rssHooks = rssMb(daemon.pid);
    report('hook with 10 no-op host scripts (lucky dispatch)', ms(median(hookTimes)));
    report('the same 10 scripts from bash', ms(median(bashTimes)));
    report('hook with no scripts (fixed cost of lucky dispatch)', ms(median(emptyTimes)));
    report('overhead per script, fixed cost spread over 10', ms(overhead));
    report('overhead per script, fixed cost excluded', ms(perScript));
    report('daemon RSS after those 15 hooks', `${rssHooks.toFixed(1)} MB`, { ok: rssHooks <= 60, text: '<= 60 MB' });
    await reportLongRun('daemon', daemon.pid, () => execa(process.execPath, [LUCKY_BIN, 'dispatch', 'bench'], { env: hookEnv, extendEnv: false, cwd: charm }));
  } finally {
    await daemon.stop();
    await removeDir(dir);
  }
}

/**
 * A built charm as a unit runs it, on its bundled Node. Start-up: `lucky kv get x`
 * through the charm's launcher, against the bundled Node's `node -e 0`: the thin client,
 * and its fallback, the charm's Node.js CLI, with Node's module compile cache (the
 * charm's entry turns it on, Node >= 22.1) and without it (NODE_DISABLE_COMPILE_CACHE).
 * Memory: the RSS of the daemon the launcher starts, after hooks.
 */
async function benchBuiltCharm(charm: string, dir: string, env: Record<string, string>): Promise<void> {
  const out = join(dir, 'built');
  // The bench charm is lucky.yaml and scripts only; a build needs its metadata too.
  writeFileSync(join(charm, 'metadata.yaml'), 'name: charm\nsummary: Start-up benchmark\ndescription: Start-up benchmark\n');
  await execa(process.execPath, [LUCKY_BIN, 'charm', 'build', charm, '-o', out], { stdin: 'ignore' });
  const lucky = join(out, 'charm', 'lucky');
  const node = join(lucky, `node-${process.arch === 'arm64' ? 'arm64' : 'amd64'}`, 'bin', 'node');
  const version = (await execa(node, ['--version'])).stdout;
  const cacheDir = join(dir, 'compile-cache');
  const cached = { ...env, NODE_COMPILE_CACHE: cacheDir, LUCKY_THIN_CLIENT: '0' };
  const uncached = { ...env, NODE_DISABLE_COMPILE_CACHE: '1', LUCKY_THIN_CLIENT: '0' };
  const launcher = join(lucky, 'bin', 'lucky');
  await execa(launcher, ['kv', 'get', 'x'], { env: cached, extendEnv: false });
  const nodeTimes: number[] = [];
  const thin: number[] = [];
  const withCache: number[] = [];
  const withoutCache: number[] = [];
  for (let i = 0; i < 40; i++) {
    nodeTimes.push(await timed(() => execa(node, ['-e', '0'], { env, extendEnv: false })));
    thin.push(await timed(() => execa(launcher, ['kv', 'get', 'x'], { env, extendEnv: false })));
    withCache.push(await timed(() => execa(launcher, ['kv', 'get', 'x'], { env: cached, extendEnv: false })));
    withoutCache.push(await timed(() => execa(launcher, ['kv', 'get', 'x'], { env: uncached, extendEnv: false })));
  }
  const ratio = median(thin) / median(nodeTimes);
  const vsNode = (times: number[]): string => `${ms(median(times))} (${(median(times) / median(nodeTimes)).toFixed(2)}x)`;
  report(`bundled Node.js ${version}: node -e 0, median`, ms(median(nodeTimes)));
  report('built charm: lucky kv get x on its Node.js CLI, compile cache off, median', vsNode(withoutCache));
  report('built charm: lucky kv get x on its Node.js CLI, compile cache on, median', vsNode(withCache));
  report('built charm: lucky kv get x (thin client), median', ms(median(thin)));
  report('ratio built lucky kv get / bundled node -e 0', ratio.toFixed(2), { ok: ratio <= 1.25, text: '<= 1.25' });

  // The daemon as a unit runs it: started by the built charm's launcher, on the bundled Node.
  const builtCharm = join(out, 'charm');
  const unitEnv = {
    ...env,
    JUJU_UNIT_NAME: 'bundled/0',
    JUJU_CHARM_DIR: builtCharm,
    JUJU_CONTEXT_ID: 'bench-2',
    LUCKY_DAEMON_SOCKET: join(dir, 'bundled-run', 'daemon.sock'),
    LUCKY_DATA_DIR: join(dir, 'bundled-data'),
  };
  await execa(launcher, ['daemon', 'start', '--charm-dir', builtCharm], { env: unitEnv, extendEnv: false, stdin: 'ignore' });
  try {
    const pid = Number(readFileSync(`${unitEnv.LUCKY_DAEMON_SOCKET}.pid`, 'utf8'));
    const bare = execa(node, ['-e', 'setTimeout(() => {}, 60_000)'], { env, extendEnv: false });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const bareRss = rssMb(bare.pid ?? -1);
    bare.kill();
    await bare.catch(() => undefined);
    const hook = () => execa(launcher, ['dispatch', 'bench'], { env: unitEnv, extendEnv: false, cwd: builtCharm });
    for (let i = 0; i < 15; i++) await hook();
    const rss = rssMb(pid);
    report(`built charm: daemon RSS after 15 hooks (a bare node ${version} idles at ${bareRss.toFixed(1)} MB)`, `${rss.toFixed(1)} MB`, {
      ok: rss <= 60,
      text: '<= 60 MB',
    });
    await reportLongRun('built charm: daemon', pid, hook);
  } finally {
    await execa(launcher, ['daemon', 'stop'], { env: unitEnv, extendEnv: false, stdin: 'ignore', reject: false });
  }
}

/**
 * A daemon's RSS over 100 more hooks: its peak, sampled after each hook, and where it
 * settles. A heap that grows by large steps between full collections shows here as a
 * peak far above the settled figure; a leak as a settled figure that keeps rising.
 */
async function reportLongRun(name: string, pid: number, hook: () => Promise<unknown>): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < 100; i++) {
    await hook();
    samples.push(rssMb(pid));
  }
  const peak = Math.max(...samples);
  const settled = median(samples.slice(-20));
  report(`${name} RSS over 100 more hooks: peak, settled`, `${peak.toFixed(1)} MB, ${settled.toFixed(1)} MB`, { ok: peak <= 60, text: 'peak <= 60 MB' });
}
