import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { containerSpec, specHash, type SpecContext } from '../src/container-spec.js';
import { containerName, parseLabelList } from '../src/index.js';
import { definition } from './support.js';

const test = suite('docker runtime: definitions into create options (no engine)');

const context: SpecContext = {
  unit: 'app/0',
  dataDir: '/var/lib/lucky/app-0',
  clientEnv: () => ({ LUCKY_DAEMON_SOCKET: '/run/lucky/daemon.sock' }),
  luckyMounts: [{ source: '/var/run/lucky/app-0', target: '/run/lucky', readOnly: false }],
  labels: { 'lucky.test': '1' },
};

test('names are deterministic and engine-safe', () => {
  assert.is(containerName('app/0', ''), 'lucky-app-0-default');
  assert.is(containerName('my-app/12', 'db'), 'lucky-my-app-12-db');
  assert.is(containerName('app/0', 'we b:x'), 'lucky-app-0-we-b-x');
});

test('LUCKY_DOCKER_LABELS is parsed; a malformed item is refused', () => {
  assert.equal(parseLabelList('a=1, b = two ,,c='), { a: '1', b: 'two', c: '' });
  assert.equal(parseLabelList(undefined), {});
  assert.throws(() => parseLabelList('novalue'), /Invalid label "novalue" in LUCKY_DOCKER_LABELS/);
});

test('create options: env with Lucky variables and PATH, entrypoint, command, mounts, ports, network, restart policy', () => {
  const spec = containerSpec(
    'web',
    definition('nginx:1.27', {
      env: { A: '1' },
      entrypoint: '/docker-entrypoint.sh',
      command: ['nginx', '-g', 'daemon off;'],
      volumes: { '/data': 'data', '/etc/cfg': '/srv/cfg' },
      ports: [
        { hostPort: 8080, containerPort: 80, protocol: 'tcp' },
        { hostPort: 5353, containerPort: 53, protocol: 'udp' },
      ],
      network: 'host',
    }),
    context,
  );
  const options = spec.createOptions('/usr/sbin:/usr/bin');
  assert.is(options.name, 'lucky-app-0-web');
  assert.equal(options.Env?.sort(), ['A=1', 'LUCKY_CONTEXT=client', 'LUCKY_DAEMON_SOCKET=/run/lucky/daemon.sock', 'PATH=/usr/sbin:/usr/bin:/lucky/bin']);
  assert.equal(options.Entrypoint, ['/docker-entrypoint.sh']);
  assert.equal(options.Cmd, ['nginx', '-g', 'daemon off;']);
  assert.equal(options.Labels, { 'lucky.test': '1', 'lucky.unit': 'app/0', 'lucky.container': 'web', 'lucky.hash': spec.hash });
  assert.equal(options.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
  assert.equal(options.HostConfig?.PortBindings, { '80/tcp': [{ HostIp: '', HostPort: '8080' }], '53/udp': [{ HostIp: '', HostPort: '5353' }] });
  assert.is(options.HostConfig?.NetworkMode, 'host');
  assert.equal(options.HostConfig?.RestartPolicy, { Name: 'unless-stopped', MaximumRetryCount: 0 });
  assert.equal(options.HostConfig?.Mounts, [
    { Type: 'bind', Source: '/var/lib/lucky/app-0/volumes/data', Target: '/data', ReadOnly: false },
    { Type: 'bind', Source: '/srv/cfg', Target: '/etc/cfg', ReadOnly: false },
    { Type: 'bind', Source: '/var/run/lucky/app-0', Target: '/run/lucky', ReadOnly: false },
  ]);
  const plain = containerSpec('', definition('busybox:1'), context).createOptions(undefined);
  assert.is(plain.Entrypoint, undefined, "the image's entrypoint is kept");
  assert.is(plain.Cmd, undefined, "the image's command is kept");
  assert.is(plain.HostConfig?.NetworkMode, undefined);
  assert.ok(plain.Env?.includes('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/lucky/bin'));
});

test('the hash follows content, not key order or the pull policy', () => {
  const hash = (def: ReturnType<typeof definition>, mounts = context.luckyMounts) => specHash(def, mounts, context.clientEnv(''), context.labels);
  const base = definition('busybox:1', {
    env: { A: '1', B: '2' },
    ports: [
      { hostPort: 1, containerPort: 2, protocol: 'tcp' },
      { hostPort: 3, containerPort: 4, protocol: 'udp' },
    ],
  });
  const reordered = definition('busybox:1', {
    env: { B: '2', A: '1' },
    ports: [
      { hostPort: 3, containerPort: 4, protocol: 'udp' },
      { hostPort: 1, containerPort: 2, protocol: 'tcp' },
    ],
  });
  assert.is(hash(base), hash(reordered));
  assert.is(hash(base), hash({ ...base, pull: false }));
  assert.is.not(hash(base), hash({ ...base, env: { A: '1', B: '3' } }));
  assert.is.not(hash(base), hash({ ...base, command: ['sh'] }));
  assert.is.not(hash(base), hash({ ...base, volumes: { '/d': 'd' } }));
  assert.is.not(hash(base), hash(base, [{ source: '/elsewhere', target: '/run/lucky', readOnly: false }]), 'a moved daemon socket recreates');
  assert.is.not(
    hash(base),
    specHash(base, context.luckyMounts, { LUCKY_DAEMON_SOCKET: '/elsewhere.sock' }, context.labels),
    'a changed client environment recreates',
  );
});

test.run();
