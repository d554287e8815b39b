/**
 * `lucky sim status`'s Juju view and table from given models: the layouts real deploys
 * cannot all reach cheaply here (a Kubernetes model, subordinates, an error, ports of
 * several protocols, a container-scoped relation). The CLI end to end: test/e2e/sim-status.test.ts.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatPorts, formatStatus } from '../src/commands/status-table.js';
import { jujuDocument, jujuStatus, jujuTime } from '../src/commands/status-juju.js';
import type { ModelState, UnitState } from '../src/model/schema.js';
import type { ModelStatus, UnitView } from '../src/runner/types.js';

const test = suite('lucky sim status: the Juju view and table');

function unitState(application: string, machineId: string, address: string, extra: Record<string, unknown> = {}): UnitState {
  return {
    application,
    machineId,
    privateAddress: address,
    publicAddress: address,
    status: { status: 'active', message: '' },
    statusSince: '2026-12-02T14:45:00.000Z',
    statusHistory: [],
    workloadVersion: '',
    openedPorts: {},
    ...extra,
  };
}

function appState(endpoints: ModelState['applications'][string]['endpoints'], extra: Record<string, unknown> = {}): ModelState['applications'][string] {
  return {
    charmDir: '/nowhere',
    endpoints,
    extraBindings: [],
    storage: {},
    configOptions: {},
    config: {},
    resources: {},
    leader: null,
    leaderSettings: {},
    status: { status: 'unknown', message: '' },
    statusHistory: [],
    nextUnit: 0,
    ...extra,
  };
}

function unitView(name: string, extra: Partial<UnitView> = {}): UnitView {
  return {
    name,
    application: name.slice(0, name.indexOf('/')),
    leader: name.endsWith('/0'),
    workload: { status: 'active', message: 'ready' },
    agent: { status: 'idle', message: '' },
    address: '127.0.1.1',
    ports: [],
    dataDir: `/data/${name}`,
    socketPath: `/run/${name}.sock`,
    storage: [],
    ...extra,
  };
}

function model(applications: ModelState['applications'], units: ModelState['units'], relations: ModelState['relations'] = {}): ModelState {
  return {
    format: 1,
    name: 'dev',
    uuid: '4b1ad3c9-0000-4000-8000-00000a1b2c3d',
    counters: { relation: 0, machine: 0, address: 0, storage: 0 },
    applications,
    units,
    relations,
    storage: {},
  };
}

test('a machine model: error on the workload with the agent idle, subordinates under their principal, ports grouped', () => {
  const state = model(
    {
      web: appState({
        db: { role: 'requires', interface: 'pgsql' },
        cluster: { role: 'peers', interface: 'web-peers' },
        juju: { role: 'provides', interface: 'juju-info' },
      }),
      pg: appState({ db: { role: 'provides', interface: 'pgsql' } }),
      logs: appState({ host: { role: 'requires', interface: 'juju-info', scope: 'container' } as never }),
    },
    {
      'web/0': unitState('web', '0', '127.0.1.1'),
      'web/1': unitState('web', '1', '127.0.1.2'),
      'pg/0': unitState('pg', '2', '127.0.1.3'),
      'logs/0': unitState('logs', '0', '127.0.1.1', { principal: 'web/0' }),
      'logs/1': unitState('logs', '1', '127.0.1.2', { principal: 'web/1' }),
    },
    {
      '0': { id: 0, endpoints: [{ application: 'web', name: 'cluster' }], joined: [], appData: {}, unitData: {} },
      '1': {
        id: 1,
        endpoints: [
          { application: 'web', name: 'db' },
          { application: 'pg', name: 'db' },
        ],
        joined: [],
        appData: {},
        unitData: {},
      },
      '2': {
        id: 2,
        endpoints: [
          { application: 'logs', name: 'host' },
          { application: 'web', name: 'juju' },
        ],
        joined: [],
        appData: {},
        unitData: {},
      },
    },
  );
  const view: ModelStatus = {
    name: 'dev',
    applications: [
      {
        name: 'logs',
        charm: 'logs',
        charmDir: '/nowhere',
        status: { status: 'active', message: '' },
        version: '',
        units: [unitView('logs/0'), unitView('logs/1', { leader: false })],
      },
      {
        name: 'pg',
        charm: 'postgresql',
        charmDir: '/nowhere',
        status: { status: 'active', message: 'ready' },
        version: '14.2',
        units: [unitView('pg/0', { address: '127.0.1.3', ports: ['5432/tcp'] })],
      },
      {
        name: 'web',
        charm: 'web',
        charmDir: '/nowhere',
        status: { status: 'error', message: 'hook failed: "config-changed"' },
        version: '',
        units: [
          unitView('web/0', { ports: ['80/tcp', '443/tcp', '53/udp', 'icmp', '8000-8010/tcp'] }),
          unitView('web/1', { leader: false, address: '127.0.1.2', agent: { status: 'error', message: 'hook failed: "config-changed"' } }),
        ],
      },
    ],
    relations: [],
  };
  const status = jujuStatus(view, state);
  const document = jujuDocument(status) as unknown as Record<string, unknown>;
  assert.equal(Object.keys(document), ['model', 'machines', 'applications', 'controller']);
  assert.equal(status.model.type, 'iaas');
  assert.equal(Object.keys(status.machines), ['0', '1', '2']);
  assert.is(status.machines['0']?.['instance-id'], 'juju-1b2c3d-0');
  const web = status.applications.web!;
  assert.equal(Object.keys(web.units ?? {}), ['web/0', 'web/1']);
  assert.equal(web.units?.['web/1']?.['workload-status'], { current: 'error', message: 'hook failed: "config-changed"', since: '02 Dec 2026 14:45:00Z' });
  assert.equal(web.units?.['web/1']?.['juju-status'].current, 'idle');
  assert.equal(Object.keys(web.units?.['web/0']?.subordinates ?? {}), ['logs/0']);
  assert.is(web.units?.['web/0']?.leader, true);
  assert.is(web.units?.['web/1']?.leader, undefined);
  assert.is(web.units?.['web/0']?.['public-address'], '127.0.1.1');
  assert.is(web.units?.['web/0']?.machine, '0');
  assert.equal(web.units?.['web/0']?.lucky, { 'data-dir': '/data/web/0', 'socket-path': '/run/web/0.sock' });
  assert.equal(web.relations, {
    cluster: [{ 'related-application': 'web', interface: 'web-peers', scope: 'global' }],
    db: [{ 'related-application': 'pg', interface: 'pgsql', scope: 'global' }],
    juju: [{ 'related-application': 'logs', interface: 'juju-info', scope: 'container' }],
  });
  assert.is(status.applications.logs?.units, undefined, 'subordinate units are listed under their principal only');
  assert.equal(status.applications.logs?.['subordinate-to'], ['web']);
  // Juju's processUnit gives only principal units a machine.
  assert.is(web.units?.['web/0']?.subordinates?.['logs/0']?.machine, undefined);
  assert.is(status.applications.pg?.version, '14.2');

  const table = formatStatus(status);
  const sections = table.trimEnd().split('\n\n');
  assert.match(
    sections[0]!,
    /^Model +Controller +Cloud\/Region +Version +SLA +Timestamp\ndev +lucky-sim +localhost\/localhost +3\.6\.8 +unsupported +\d\d:\d\d:\d\dZ$/,
  );
  assert.is(
    sections[1],
    [
      'App   Version  Status  Scale  Charm       Channel  Rev  Exposed  Message',
      'logs           active      2  logs                   0  no',
      'pg    14.2     active      1  postgresql             0  no       ready',
      'web            error       2  web                    0  no       hook failed: "config-changed"',
    ].join('\n'),
  );
  assert.is(
    sections[2],
    [
      'Unit       Workload  Agent  Machine  Public address  Ports                             Message',
      'pg/0*      active    idle   2        127.0.1.3       5432/tcp                          ready',
      'web/0*     active    idle   0        127.0.1.1       80,443,8000-8010/tcp 53/udp icmp  ready',
      '  logs/0*  active    idle            127.0.1.1                                         ready',
      'web/1      error     idle   1        127.0.1.2                                         hook failed: "config-changed"',
      '  logs/1   active    idle            127.0.1.2                                         ready',
    ].join('\n'),
  );
  assert.match(sections[3]!, /^Machine +State +Address +Inst id +Base +AZ +Message\n0 +started +127\.0\.1\.1 +juju-1b2c3d-0 +\S+ +Running\n1 .*\n2 .*$/);
  assert.is(
    sections[4],
    [
      'Integration provider  Requirer     Interface  Type         Message',
      'pg:db                 web:db       pgsql      regular',
      'web:cluster           web:cluster  web-peers  peer',
      'web:juju              logs:host    juju-info  subordinate',
    ].join('\n'),
  );
});

test('a Kubernetes model: no Machine column or section, the unit Address, the containers under lucky', () => {
  const state = model(
    { k8s: appState(null, { containers: { web: { resource: 'web-image', image: 'nginx', mounts: [] } } }) },
    { 'k8s/0': unitState('k8s', '', '127.0.1.1') },
  );
  const containers = [
    {
      name: 'web',
      image: 'nginx',
      socketPath: '/x/web/pebble.socket',
      pebble: 'ready' as const,
      services: [{ name: 'web', startup: 'enabled' as const, current: 'active' as const }],
    },
  ];
  const view: ModelStatus = {
    name: 'dev',
    applications: [
      {
        name: 'k8s',
        charm: 'k8s',
        charmDir: '/nowhere',
        status: { status: 'active', message: '' },
        version: '',
        units: [unitView('k8s/0', { ports: ['8080/tcp'], containers })],
      },
    ],
    relations: [],
  };
  const status = jujuStatus(view, state);
  assert.is(status.model.type, 'caas');
  assert.equal(status.machines, {});
  const unit = status.applications.k8s?.units?.['k8s/0'];
  assert.is(unit?.address, '127.0.1.1');
  assert.is(unit?.machine, undefined);
  assert.is(unit?.['public-address'], undefined);
  assert.equal(unit?.lucky.containers, containers);
  const sections = formatStatus(status).trimEnd().split('\n\n');
  assert.is(sections[1]?.split('\n')[0], 'App  Version  Status  Scale  Charm  Channel  Rev  Address  Exposed  Message');
  assert.is(sections[2], ['Unit    Workload  Agent  Address    Ports     Message', 'k8s/0*  active    idle   127.0.1.1  8080/tcp  ready'].join('\n'));
  assert.is(sections[3], ['Unit   Container  Pebble  Services', 'k8s/0  web        ready   web:active'].join('\n'));
  assert.is(sections.length, 4, 'no Machine or Integration section');
});

test('ports as Juju groups them; times as Juju writes them', () => {
  assert.is(formatPorts([]), '');
  assert.is(formatPorts(['8080/tcp']), '8080/tcp');
  assert.is(formatPorts(['443/tcp', '80/tcp', '53/udp']), '80,443/tcp 53/udp');
  assert.is(jujuTime('2026-01-05T03:04:05.678Z'), '05 Jan 2026 03:04:05Z');
  assert.is(jujuTime(undefined), undefined);
});

test.run();
