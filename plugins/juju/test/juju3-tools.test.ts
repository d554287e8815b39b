import * as assert from 'uvu/assert';
import { argv, failure, fakeTool, fakeToolsSuite } from './fake-tools.js';
import {
  applicationStatusSet,
  applicationVersionSet,
  goalState,
  goalStateYaml,
  jujuReboot,
  networkGet,
  networkGetText,
  storageAdd,
  storageGet,
  storageList,
} from '../src/tools/index.js';

const test = fakeToolsSuite('juju bridge: the Juju 3 tools at the process boundary', 'lucky-juju3-tools-');

test('application status and version: -- before the value, Juju errors become LuckyErrors', async (ctx) => {
  fakeTool(ctx, 'status-set', 'exit 0');
  await applicationStatusSet(ctx.env, 'waiting', '-1 unit');
  assert.equal(argv(ctx, 'status-set'), ['--application', 'waiting', '--', '-1 unit']);
  fakeTool(ctx, 'application-version-set', 'exit 0');
  await applicationVersionSet(ctx.env, '-rc1');
  assert.equal(argv(ctx, 'application-version-set'), ['--', '-rc1']);
  fakeTool(ctx, 'status-set', 'echo "ERROR this unit is not the leader" >&2; exit 1');
  const error = await failure(applicationStatusSet(ctx.env, 'active', ''));
  assert.is(error.message, 'status-set failed: this unit is not the leader (exit 1)');
});

test('network-get: flags, relation and binding after --; JSON values checked; Juju text as is', async (ctx) => {
  fakeTool(ctx, 'network-get', `echo '"10.0.0.5"'`);
  assert.is(await networkGet(ctx.env, 'db', { relationId: 'db:3', ingressAddress: true }), '10.0.0.5');
  assert.equal(argv(ctx, 'network-get'), ['--format=json', '-r', 'db:3', '--ingress-address', '--', 'db']);
  fakeTool(ctx, 'network-get', `echo '{"egress-subnets":["10.0.0.5/32"],"ingress-addresses":["10.0.0.5"]}'`);
  assert.equal(await networkGet(ctx.env, 'website'), { 'egress-subnets': ['10.0.0.5/32'], 'ingress-addresses': ['10.0.0.5'] });
  fakeTool(ctx, 'network-get', `printf 'ingress-address: 10.0.0.5\\n'`);
  assert.is(await networkGetText(ctx.env, 'website', { ingressAddress: true, bindAddress: true }, 'yaml'), 'ingress-address: 10.0.0.5\n');
  assert.equal(argv(ctx, 'network-get'), ['--format=yaml', '--bind-address', '--ingress-address', '--', 'website']);
  fakeTool(ctx, 'network-get', `echo '42'`);
  assert.match((await failure(networkGet(ctx.env, 'website'))).message, /^network-get printed unexpected JSON/);
});

test('storage-list, storage-get and storage-add', async (ctx) => {
  fakeTool(ctx, 'storage-list', `echo '["data/0","data/2"]'`);
  assert.equal(await storageList(ctx.env, 'data'), ['data/0', 'data/2']);
  assert.equal(argv(ctx, 'storage-list'), ['--format=json', 'data']);
  fakeTool(ctx, 'storage-list', `echo 'null'`);
  assert.equal(await storageList(ctx.env), []);
  fakeTool(ctx, 'storage-get', `echo '{"kind":"filesystem","location":"/srv/data"}'`);
  assert.equal(await storageGet(ctx.env, 'data/0'), { kind: 'filesystem', location: '/srv/data' });
  assert.equal(argv(ctx, 'storage-get'), ['--format=json', '-s', 'data/0']);
  fakeTool(ctx, 'storage-add', 'exit 0');
  await storageAdd(ctx.env, [
    { name: 'data', count: 2 },
    { name: 'logs', count: 1 },
  ]);
  assert.equal(argv(ctx, 'storage-add'), ['data=2', 'logs=1']);
});

test('goal-state as JSON (checked) and as YAML; juju-reboot with and without --now', async (ctx) => {
  fakeTool(
    ctx,
    'goal-state',
    `if [ "$1" = --format=json ]; then echo '{"units":{"a/0":{"status":"active","since":"2026-01-02 03:04:05Z"}},"relations":{}}'; else printf 'units: {}\\n'; fi`,
  );
  assert.equal(await goalState(ctx.env), { units: { 'a/0': { status: 'active', since: '2026-01-02 03:04:05Z' } }, relations: {} });
  assert.is(await goalStateYaml(ctx.env), 'units: {}\n');
  fakeTool(ctx, 'juju-reboot', 'exit 0');
  await jujuReboot(ctx.env, false);
  // printf '%s\0' with no arguments still writes one empty field.
  assert.equal(argv(ctx, 'juju-reboot'), ['']);
  await jujuReboot(ctx.env, true);
  assert.equal(argv(ctx, 'juju-reboot'), ['--now']);
});

test.run();
