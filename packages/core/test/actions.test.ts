import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LuckyError } from '@lucky/errors';
import { parseLuckyConfig } from '../src/config/load.js';
import { actionEntries, actionFailureMessage, actionInfo, LastErrorLine, missingAction, undeclaredActionWarnings } from '../src/daemon/actions.js';

const LUCKY = `hooks:
  install:
    - inline-host-script: "true"
  restore:
    - inline-host-script: "true"
actions:
  backup:
    - inline-host-script: lucky action set done=yes
    - inline-host-script: "true"
      async: true
  ghost:
    - inline-host-script: "true"
`;

test('lucky.yaml actions: are parsed like hooks; a bad action name or entry is reported with its position', () => {
  const config = parseLuckyConfig(LUCKY, '/charm/lucky.yaml', '/charm');
  assert.equal(Object.keys(config.actions), ['backup', 'ghost']);
  assert.is(actionEntries(config, 'backup').length, 2);
  assert.is(actionEntries(config, 'backup')[1]?.spec.async, true);
  assert.equal(actionEntries(config, 'nope'), []);
  try {
    parseLuckyConfig('actions:\n  Bad_Name:\n    - inline-host-script: "true"\n  ok:\n    - host-script: 3\n', '/charm/lucky.yaml', '/charm');
    assert.unreachable('refused');
  } catch (error) {
    assert.instance(error, LuckyError);
    assert.equal((error as LuckyError).data?.issues, [
      '/charm/lucky.yaml:2:3: actions.Bad_Name: "Bad_Name" is not a valid action name: use lowercase letters and hyphens, starting and ending with a letter',
      '/charm/lucky.yaml:5:20: actions.ok.0.host-script: the script name must be a string',
    ]);
  }
  try {
    parseLuckyConfig('actions:\n  - backup\n', '/charm/lucky.yaml', '/charm');
    assert.unreachable('refused');
  } catch (error) {
    assert.match((error as Error).message, /actions must map action names to lists of script entries/);
  }
});

test('an action without actions: scripts is not implemented; one listed under hooks: says where it belongs', () => {
  const config = parseLuckyConfig(LUCKY, '/charm/lucky.yaml', '/charm');
  assert.is(missingAction(config, 'backup', 'app/0'), undefined);
  assert.is(missingAction(config, 'other', 'app/0'), 'action not implemented on unit "app/0": lucky.yaml has no "actions:" entry for "other"');
  assert.is(
    missingAction(config, 'restore', 'app/0'),
    'action not implemented on unit "app/0": lucky.yaml has no "actions:" entry for "restore" (it is listed under "hooks:"; actions go under "actions:")',
  );
});

test('the action comes from JUJU_ACTION_NAME and JUJU_ACTION_UUID', () => {
  assert.equal(actionInfo('backup', { JUJU_ACTION_NAME: 'backup', JUJU_ACTION_UUID: '42' }), { name: 'backup', uuid: '42' });
  assert.equal(actionInfo('backup', {}), { name: 'backup', uuid: '' });
});

test("a failed action's message: the error and the last line its scripts wrote to stderr", () => {
  const lines = new LastErrorLine();
  lines.observe('stderr', 'first\nsecond li');
  lines.observe('stdout', 'not this\n');
  lines.observe('stderr', 'ne\n\n   \n');
  assert.is(lines.line, 'second line');
  lines.observe('stderr', 'unfinished');
  assert.is(lines.line, 'unfinished');
  const error = new LuckyError(7, 'Host script "backup.sh" exited non-zero (1)');
  assert.is(actionFailureMessage(error, 'disk full'), 'Host script "backup.sh" exited non-zero (1): disk full');
  assert.is(actionFailureMessage(error, undefined), 'Host script "backup.sh" exited non-zero (1)');
  assert.is(actionFailureMessage(error, 'exited non-zero (1)'), 'Host script "backup.sh" exited non-zero (1)', 'not repeated');
});

test('actions: entries actions.yaml (or charmcraft.yaml) does not declare are warned about', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lucky-core-actions-'));
  try {
    const config = parseLuckyConfig(LUCKY, join(dir, 'lucky.yaml'), dir);
    assert.equal(undeclaredActionWarnings(dir, config).length, 2, 'no actions.yaml: none declared');
    await writeFile(join(dir, 'charmcraft.yaml'), 'name: x\nactions:\n  backup: {}\n');
    assert.equal(undeclaredActionWarnings(dir, config), [
      'lucky.yaml lists the action "ghost" under "actions:", but actions.yaml does not declare it, so Juju never runs it; declare it in actions.yaml or remove it.',
    ]);
    await writeFile(join(dir, 'actions.yaml'), 'backup:\nghost:\n  description: x\n');
    assert.equal(undeclaredActionWarnings(dir, config), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
