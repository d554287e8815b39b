import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { combine, combineInto, parseLayer, planYaml, splitCommand, startOrder, validatePlan } from '../src/pebble/plan.js';
import { globToRegExp } from '../src/pebble/files.js';
import { ApiError } from '../src/pebble/responses.js';

const test = suite('pebble server: layers, plan, command split, glob');

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.instance(error, ApiError);
    assert.is((error as ApiError).status, 400);
    return (error as ApiError).message;
  }
  throw new Error('expected a 400');
}

test('layers stack in order: merge merges maps and appends lists, replace replaces', () => {
  const base = parseLayer(
    'base',
    'services:\n  a:\n    override: replace\n    command: run a\n    environment: {X: "1"}\n    after: [b]\n  b:\n    override: replace\n    command: run b\n',
  );
  base.order = 1;
  const top = parseLayer(
    'top',
    'services:\n  a:\n    override: merge\n    environment: {Y: "2"}\n    after: [c]\n  c:\n    override: replace\n    command: run c\n',
  );
  top.order = 2;
  const plan = combine([top, base]);
  assert.equal(plan.services.a, { override: 'merge', command: 'run a', environment: { X: '1', Y: '2' }, after: ['b', 'c'] });
  validatePlan(plan);
  assert.equal(startOrder(plan, ['a']), ['a']);
  assert.equal(startOrder(plan, Object.keys(plan.services)), ['b', 'c', 'a']);
  combineInto(base, parseLayer('base', 'services:\n  b:\n    override: replace\n    command: other b\n'));
  assert.is(combine([base, top]).services.b?.command, 'other b');
  assert.match(planYaml(plan), /^services:\n {2}a:\n/);
  assert.is(planYaml(combine([])), '{}\n');
});

test('layer and plan refusals use Pebble’s messages', () => {
  assert.is(
    refusal(() => parseLayer('l', 'services:\n  s:\n    command: x\n')),
    'layer "l" must define "override" for service "s"',
  );
  assert.is(
    refusal(() => parseLayer('l', 'checks:\n  c:\n    override: nope\n')),
    'layer "l" has invalid "override" value for check "c"',
  );
  assert.match(
    refusal(() => parseLayer('l', 'bogus: 1\n')),
    /field bogus not found/,
  );
  assert.match(
    refusal(() => parseLayer('l', 'services: [\n')),
    /cannot parse layer "l"/,
  );
  assert.is(
    refusal(() => validatePlan(combine([parseLayer('l', 'services:\n  s:\n    override: replace\n')]))),
    'plan must define "command" for service "s"',
  );
  assert.is(
    refusal(() => validatePlan(combine([parseLayer('l', 'checks:\n  c:\n    override: replace\n    period: 1s\n')]))),
    'plan must specify one of "http", "tcp" or "exec" for check "c"',
  );
  const loop = combine([parseLayer('l', 'services:\n  a: {override: replace, command: x, after: [b]}\n  b: {override: replace, command: y, after: [a]}\n')]);
  assert.match(
    refusal(() => validatePlan(loop)),
    /before\/after loop: a, b/,
  );
  assert.is(
    refusal(() => startOrder(loop, ['zzz'])),
    'service "zzz" does not exist',
  );
});

test('commands split like Pebble’s shlex, with [ default args ]', () => {
  assert.equal(splitCommand(`sh -c "echo 'a b'; exit 3"`), ['sh', '-c', "echo 'a b'; exit 3"]);
  assert.equal(splitCommand(`app --port 80 [ --verbose ]`), ['app', '--port', '80', '--verbose']);
  assert.equal(splitCommand(`a\\ b 'c d' ""`), ['a b', 'c d', '']);
  assert.throws(() => splitCommand('echo "open'), /unterminated/);
});

test('list patterns follow Go’s path.Match', () => {
  assert.ok(globToRegExp('*.txt').test('a.txt'));
  assert.not.ok(globToRegExp('*.txt').test('a.log'));
  assert.ok(globToRegExp('file?.[ch]').test('file1.c'));
  assert.not.ok(globToRegExp('file?.[ch]').test('file12.c'));
  assert.ok(globToRegExp('[^a]*').test('b'));
  assert.not.ok(globToRegExp('[!a]').test('b'), 'Go negates with ^, not !');
});

test.run();
