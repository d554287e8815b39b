import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { containerSpec, type SpecContext } from '../src/container-spec.js';
import { HOST_IP_VARIABLE, resolveHostIp } from '../src/host-ip.js';
import { definition } from './support.js';

const test = suite('docker runtime: the host address published ports bind to (no engine)');

const context: SpecContext = {
  unit: 'db/1',
  dataDir: '/var/lib/lucky/db-1',
  clientEnv: () => ({}),
  luckyMounts: [],
  labels: {},
};
const published = definition('busybox:1', { ports: [{ hostPort: 29015, containerPort: 29015, protocol: 'tcp' }] });

test('every address by default, as on a Juju machine; the option, else LUCKY_DOCKER_HOST_IP, names one', () => {
  assert.is(resolveHostIp(undefined, {}), '');
  assert.is(resolveHostIp(undefined, { [HOST_IP_VARIABLE]: '127.0.1.2' }), '127.0.1.2');
  assert.is(resolveHostIp('127.0.1.3', { [HOST_IP_VARIABLE]: '127.0.1.2' }), '127.0.1.3');
  assert.is(resolveHostIp(undefined, { [HOST_IP_VARIABLE]: ' ::1 ' }), '::1');
});

test('an address that is not one is refused, naming where it came from', () => {
  assert.throws(() => resolveHostIp(undefined, { [HOST_IP_VARIABLE]: 'localhost' }), /Invalid host address "localhost" in LUCKY_DOCKER_HOST_IP/);
  assert.throws(() => resolveHostIp('127.0.1', {}), /Invalid host address "127.0.1" in the Docker plugin option "hostIp"/);
});

test("ports bind to the unit's address; the hash changes with it, and stays as it was without one", () => {
  const everywhere = containerSpec('', published, context);
  const own = containerSpec('', published, { ...context, hostIp: '127.0.1.2' });
  assert.equal(own.createOptions(undefined).HostConfig?.PortBindings, { '29015/tcp': [{ HostIp: '127.0.1.2', HostPort: '29015' }] });
  assert.equal(everywhere.createOptions(undefined).HostConfig?.PortBindings, { '29015/tcp': [{ HostIp: '', HostPort: '29015' }] });
  assert.is.not(own.hash, everywhere.hash);
  assert.is(containerSpec('', published, { ...context, hostIp: '' }).hash, everywhere.hash);
});

test.run();
