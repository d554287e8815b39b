import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { charmHooks, STANDARD_HOOKS } from '../src/index.js';

const test = suite('charmHooks: every hook a charm can receive');

test('a charm without endpoints gets the standard hooks only, sorted', () => {
  const { hooks, actions } = charmHooks({ name: 'plain' });
  assert.equal(hooks, [
    'collect-metrics',
    'config-changed',
    'install',
    'leader-deposed',
    'leader-elected',
    'leader-settings-changed',
    'post-series-upgrade',
    'pre-series-upgrade',
    'remove',
    'secret-changed',
    'secret-expired',
    'secret-remove',
    'secret-rotate',
    'start',
    'stop',
    'update-status',
    'upgrade-charm',
  ]);
  assert.equal([...STANDARD_HOOKS].sort(), hooks);
  assert.equal(actions, []);
});

test('relations of every kind, peers, storage, containers and actions', () => {
  const result = charmHooks(
    {
      name: 'full',
      provides: { website: { interface: 'http' } },
      requires: { db: { interface: 'pgsql' } },
      peers: { replicas: { interface: 'full-peers' } },
      storage: { data: { type: 'filesystem' } },
      containers: { app: { resource: 'app-image' } },
    },
    ['snapshot', 'backup', 'snapshot'],
  );
  assert.equal(result.hooks, [
    'app-pebble-check-failed',
    'app-pebble-check-recovered',
    'app-pebble-custom-notice',
    'app-pebble-ready',
    'collect-metrics',
    'config-changed',
    'data-storage-attached',
    'data-storage-detaching',
    'db-relation-broken',
    'db-relation-changed',
    'db-relation-created',
    'db-relation-departed',
    'db-relation-joined',
    'install',
    'leader-deposed',
    'leader-elected',
    'leader-settings-changed',
    'post-series-upgrade',
    'pre-series-upgrade',
    'remove',
    'replicas-relation-broken',
    'replicas-relation-changed',
    'replicas-relation-created',
    'replicas-relation-departed',
    'replicas-relation-joined',
    'secret-changed',
    'secret-expired',
    'secret-remove',
    'secret-rotate',
    'start',
    'stop',
    'update-status',
    'upgrade-charm',
    'website-relation-broken',
    'website-relation-changed',
    'website-relation-created',
    'website-relation-departed',
    'website-relation-joined',
  ]);
  assert.equal(result.actions, ['backup', 'snapshot']);
});

test('names that cannot be file names are refused with the section they came from', () => {
  assert.throws(() => charmHooks({ name: 'x', requires: { '../evil': {} } }), /Invalid requires endpoint name "\.\.\/evil"/);
  assert.throws(() => charmHooks({ name: 'x', storage: { 'a b': {} } }), /Invalid storage name "a b"/);
  assert.throws(() => charmHooks({ name: 'x' }, ['$(reboot)']), /Invalid action name/);
});

test.run();
