// `pnpm demo`: runs the demo charm (test/fixtures/lucky-demo) through its real
// `dispatch` file in the hook-tool simulator: two units, leadership, config, a
// peer relation, and prints what each unit ended up with.
import { fileURLToPath } from 'node:url';
import { TestModel, lucky } from '@lucky/test-utils';

const charm = fileURLToPath(new URL('../fixtures/lucky-demo/', import.meta.url));
const sim = await TestModel.create();
const out = (line: string): boolean => process.stdout.write(`${line}\n`);

async function hook(unit: string, name: string, options: Parameters<TestModel['hook']>[2] = {}): Promise<void> {
  const result = await sim.hook(unit, name, options);
  out(`  ${unit.padEnd(8)} ${name.padEnd(26)} exit ${result.exitCode}`);
  for (const line of result.stdout.split('\n').filter(Boolean)) out(`             | ${line}`);
  if (result.exitCode !== 0) throw new Error(`${name} failed on ${unit}:\n${result.stderr}`);
}

try {
  out(`Model in ${sim.dir}; charm ${charm}\n`);
  await sim.model.addApplication('demo', { charmDir: charm, units: 2 });
  out('Deploy: install, leader-elected / leader-settings-changed, config-changed, start');
  for (const unit of ['demo/0', 'demo/1']) await hook(unit, 'install');
  await hook('demo/0', 'leader-elected');
  await hook('demo/1', 'leader-settings-changed');
  for (const unit of ['demo/0', 'demo/1']) await hook(unit, 'config-changed');
  for (const unit of ['demo/0', 'demo/1']) await hook(unit, 'start');

  out('\nPeer relation "cluster"');
  const id = Number((await sim.model.addPeerRelation('demo', 'cluster')).split(':')[1]);
  for (const unit of ['demo/0', 'demo/1']) await sim.model.joinUnit(id, unit);
  for (const [unit, remote] of [['demo/0', 'demo/1'], ['demo/1', 'demo/0']] as const) {
    await hook(unit, 'cluster-relation-joined', { relationId: id, remoteUnit: remote });
  }
  for (const [unit, remote] of [['demo/0', 'demo/1'], ['demo/1', 'demo/0']] as const) {
    await hook(unit, 'cluster-relation-changed', { relationId: id, remoteUnit: remote });
  }

  out('\nConfig change: greeting=Bonjour');
  await sim.model.setConfig('demo', { greeting: 'Bonjour' });
  for (const unit of ['demo/0', 'demo/1']) await hook(unit, 'config-changed');

  out('\nUnit      Status   Message                                      Ports       KV keys');
  for (const unit of ['demo/0', 'demo/1']) {
    const status = await sim.model.unitStatus(unit);
    const ports = (await sim.model.openedPorts(unit)).join(',');
    const kv = await lucky(['kv', 'get', '--format', 'json'], { ...sim.unitEnv(unit), JUJU_UNIT_NAME: unit });
    const keys = Object.keys(JSON.parse(kv.stdout) as object).sort().join(' ');
    out(`${unit.padEnd(9)} ${status.status.padEnd(8)} ${status.message.padEnd(44)} ${ports.padEnd(11)} ${keys}`);
  }
  out('\nDemo finished: every hook ran through lucky dispatch and its unit\'s daemon.');
} finally {
  await sim.stop();
}
