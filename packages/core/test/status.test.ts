import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { consolidateStatus, parseWorkloadState } from '../src/status.js';

const test = suite('status: consolidation');

test('no slots means active with no message', () => {
  assert.equal(consolidateStatus([]), { state: 'active', message: '' });
});

test('the most severe state wins: active < waiting < maintenance < blocked', () => {
  const slot = (state: 'active' | 'waiting' | 'maintenance' | 'blocked') => ({ name: state, state, message: '' });
  assert.is(consolidateStatus([slot('active'), slot('waiting')]).state, 'waiting');
  assert.is(consolidateStatus([slot('maintenance'), slot('waiting')]).state, 'maintenance');
  assert.is(consolidateStatus([slot('blocked'), slot('maintenance'), slot('active')]).state, 'blocked');
});

test('messages are joined with ", " in slot creation order, skipping empty ones', () => {
  const status = consolidateStatus([
    { name: 'install_0', state: 'active', message: 'Installed' },
    { name: 'db', state: 'blocked', message: 'Need a database' },
    { name: 'config_0', state: 'active', message: '' },
    { name: 'web', state: 'waiting', message: 'Starting web' },
  ]);
  assert.equal(status, { state: 'blocked', message: 'Installed, Need a database, Starting web' });
});

test('states parse in any letter case (GAP-47) and nothing else', () => {
  assert.is(parseWorkloadState('Active'), 'active');
  assert.is(parseWorkloadState('BLOCKED'), 'blocked');
  assert.is(parseWorkloadState('error'), undefined);
  assert.is(parseWorkloadState(''), undefined);
});

test.run();
