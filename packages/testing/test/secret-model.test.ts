import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ModelState } from '../src/model/schema.js';
import { secretClockSource } from '../src/secrets/clock-source.js';
import type { SecretState } from '../src/secrets/schema.js';
import { nextRotateTime, parseExpire, parseGoDuration } from '../src/secrets/times.js';
import { secretTriggeredHooks } from '../src/secrets/triggers.js';
import { newXid, parseSecretUri } from '../src/secrets/xid.js';
import { formatValue, GoTime } from '../src/tools/format.js';

const test = suite('secrets: ids, times, clock events and triggered hooks');

test('ids are 20 characters of base32hex, time first (xid); URIs parse as Juju parses them', () => {
  const a = newXid(new Date('2026-01-01T00:00:00Z'));
  const b = newXid(new Date('2026-01-01T00:00:00Z'));
  assert.match(a, /^[0-9a-v]{20}$/);
  assert.is.not(a, b, 'the counter makes each id unique');
  assert.is(a.slice(0, 6), b.slice(0, 6), 'same second, same leading characters');
  assert.ok(newXid(new Date('2030-01-01T00:00:00Z')) > a, 'later ids sort after');
  assert.is(parseSecretUri(`secret:${a}`), a);
  assert.is(parseSecretUri(a), a);
  assert.is(parseSecretUri(`secret://0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/${a}`), a);
  assert.is(parseSecretUri('secret:nope'), null);
  assert.is(parseSecretUri(`http:${a}`), null);
  assert.is(parseSecretUri(`secret:${a.toUpperCase()}`), null);
});

test("--expire: Go durations, RFC 3339 with or without zone, Juju's errors", () => {
  const now = new Date('2026-03-01T10:00:00Z');
  assert.is(parseGoDuration('1h30m'), 5_400_000);
  assert.is(parseGoDuration('1.5h'), 5_400_000);
  assert.is(parseGoDuration('-5m'), -300_000);
  assert.is(parseGoDuration('2d'), null, 'Go has no days');
  assert.equal(parseExpire('24h', now), new Date('2026-03-02T10:00:00Z'));
  assert.equal(parseExpire('2026-04-01T06:06:06', now), new Date('2026-04-01T06:06:06Z'));
  assert.equal(parseExpire('2026-04-01T06:06:06+02:00', now), new Date('2026-04-01T04:06:06Z'));
  assert.is(parseExpire('tomorrow', now), 'expire time or duration "tomorrow" not valid');
  assert.is(parseExpire('0s', now), 'negative expire duration "0s" not valid');
});

test('rotation policies add calendar intervals as Go does, never before now', () => {
  const last = new Date('2026-01-31T12:00:00Z');
  assert.equal(nextRotateTime('hourly', last, last), new Date('2026-01-31T13:00:00Z'));
  assert.equal(nextRotateTime('monthly', last, last), new Date('2026-03-03T12:00:00Z'), 'Jan 31 + 1 month normalises like Go');
  assert.equal(nextRotateTime('quarterly', last, last), new Date('2026-05-01T12:00:00Z'));
  assert.equal(nextRotateTime('yearly', last, last), new Date('2027-01-31T12:00:00Z'));
  assert.is(nextRotateTime('never', last, last), null);
  const now = new Date('2026-06-01T00:00:00Z');
  assert.equal(nextRotateTime('daily', last, now), now, 'overdue: now');
});

test('Go times: RFC 3339 with trimmed nanoseconds, plain in YAML, quoted in JSON', async () => {
  const value = { expiry: new GoTime(new Date('2026-01-02T03:04:05.500Z')), at: new GoTime(new Date('2026-01-02T03:04:05.000Z')) };
  assert.is(await formatValue('yaml', value), 'at: 2026-01-02T03:04:05Z\nexpiry: 2026-01-02T03:04:05.5Z\n');
  assert.is(await formatValue('json', value), '{"at":"2026-01-02T03:04:05Z","expiry":"2026-01-02T03:04:05.5Z"}\n');
});

function secret(overrides: Partial<SecretState> = {}): SecretState {
  return {
    owner: { kind: 'application', id: 'web' },
    label: 'creds',
    description: '',
    rotatePolicy: '',
    nextRotateAt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    revisions: [{ revision: 1, content: {}, createdAt: '2026-01-01T00:00:00.000Z', expireAt: null, expireTriggerAt: null }],
    access: [{ target: 'application-pg', scope: 'relation-web.db#pg.db', role: 'view', relationId: 0 }],
    consumers: {},
    ...overrides,
  };
}

function model(secrets: Record<string, SecretState>): ModelState {
  const unit = (application: string) => ({
    application,
    machineId: '0',
    privateAddress: '',
    publicAddress: '',
    status: { status: 'active', message: '' },
    statusHistory: [],
    workloadVersion: '',
    openedPorts: {},
  });
  const app = (leader: string) => ({
    charmDir: '/x',
    endpoints: null,
    extraBindings: [],
    storage: {},
    configOptions: {},
    config: {},
    resources: {},
    leader,
    leaderSettings: {},
    status: { status: 'active', message: '' },
    statusHistory: [],
    nextUnit: 2,
  });
  return {
    format: 1,
    name: 'm',
    uuid: 'u',
    counters: { relation: 1, machine: 1, address: 1, storage: 0 },
    applications: { web: app('web/1'), pg: app('pg/0') },
    units: { 'web/0': unit('web'), 'web/1': unit('web'), 'pg/0': unit('pg'), 'pg/1': unit('pg') },
    relations: {
      '0': {
        id: 0,
        endpoints: [
          { application: 'web', name: 'db' },
          { application: 'pg', name: 'db' },
        ],
        joined: [],
        appData: {},
        unitData: {},
      },
    },
    storage: {},
    secrets,
  };
}

const ID = 'd0l4ft3ndudj2q1f2d6g';

test('clock source: secret-rotate and secret-expired on the leader when due in (from, to], with JUJU_SECRET_*', () => {
  const s = secret({
    rotatePolicy: 'daily',
    nextRotateAt: '2026-01-02T00:00:00.000Z',
    revisions: [{ revision: 3, content: {}, createdAt: '', expireAt: '2026-01-01T12:00:00.000Z', expireTriggerAt: '2026-01-01T12:00:00.000Z' }],
  });
  const due = secretClockSource.due(model({ [ID]: s }), new Date('2026-01-01T00:00:00Z'), new Date('2026-01-02T00:00:00Z'));
  assert.equal(due, [
    { at: new Date('2026-01-02T00:00:00Z'), unit: 'web/1', hook: 'secret-rotate', env: { JUJU_SECRET_ID: `secret:${ID}`, JUJU_SECRET_LABEL: 'creds' } },
    {
      at: new Date('2026-01-01T12:00:00Z'),
      unit: 'web/1',
      hook: 'secret-expired',
      env: { JUJU_SECRET_ID: `secret:${ID}`, JUJU_SECRET_LABEL: 'creds', JUJU_SECRET_REVISION: '3' },
    },
  ]);
  assert.equal(secretClockSource.due(model({ [ID]: s }), new Date('2026-01-02T00:00:00Z'), new Date('2026-01-03T00:00:00Z')), [], 'from is exclusive');
  const unitOwned = secret({ owner: { kind: 'unit', id: 'web/0' }, rotatePolicy: 'hourly', nextRotateAt: '2026-01-01T01:00:00.000Z' });
  assert.equal(
    secretClockSource.due(model({ [ID]: unitOwned }), new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T02:00:00Z')).map((e) => e.unit),
    ['web/0'],
  );
});

test('triggered hooks: secret-changed for consumers behind a new latest revision; secret-remove once a revision is unused', () => {
  const before = secret({ consumers: { 'pg/0': { revision: 1, label: 'mine' }, 'pg/1': { revision: 1, label: '' } } });
  const after = secret({
    revisions: [...before.revisions, { revision: 2, content: {}, createdAt: '', expireAt: null, expireTriggerAt: null }],
    consumers: before.consumers,
  });
  const changed = secretTriggeredHooks(model({ [ID]: before }), model({ [ID]: after }), []);
  assert.equal(
    changed.map((h) => [h.unit, h.hook, h.secret]),
    [
      ['pg/0', 'secret-changed', { id: `secret:${ID}`, label: 'mine', revision: 0 }],
      ['pg/1', 'secret-changed', { id: `secret:${ID}`, label: '', revision: 0 }],
    ],
  );
  assert.equal(
    secretTriggeredHooks(model({ [ID]: before }), model({ [ID]: after }), ['pg/1']).map((h) => h.unit),
    ['pg/0'],
    'not on dying units',
  );
  const refreshed = secret({ ...after, consumers: { 'pg/0': { revision: 2, label: 'mine' }, 'pg/1': { revision: 2, label: '' } } });
  const removed = secretTriggeredHooks(model({ [ID]: after }), model({ [ID]: refreshed }), []);
  assert.equal(
    removed.map((h) => [h.unit, h.hook, h.secret]),
    [['web/1', 'secret-remove', { id: `secret:${ID}`, label: 'creds', revision: 1 }]],
  );
  assert.equal(secretTriggeredHooks(model({ [ID]: refreshed }), model({ [ID]: refreshed }), []), [], 'once');
  const revoked = secret({ ...after, access: [] });
  assert.equal(secretTriggeredHooks(model({ [ID]: before }), model({ [ID]: revoked }), []), [], 'no secret-changed without access');
});

test.run();
