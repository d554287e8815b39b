import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseKeyValues } from '../src/key-value.js';

const test = suite('cli: key=value arguments (CLI-08)');

test('the value is everything after the first "=", spaces and newlines included', () => {
  assert.equal(parseKeyValues(['a=b=c', 'msg=hello world', 'multi=x\ny']), { a: 'b=c', msg: 'hello world', multi: 'x\ny' });
});

test('an empty value is kept as empty (it means unset) and the last repeat wins', () => {
  assert.equal(parseKeyValues(['k=', 'r=1', 'r=2']), { k: '', r: '2' });
});

test('keys must start with a letter and hold letters, digits, "_" and "-"', () => {
  assert.equal(parseKeyValues(['db_host-2=x']), { 'db_host-2': 'x' });
  for (const bad of ['_JAVA_OPTIONS=x', '1key=x', 'novalue', '=x', 'sp ace=x']) {
    assert.throws(() => parseKeyValues([bad]), /Could not parse key-value pair/);
  }
});

test.run();
