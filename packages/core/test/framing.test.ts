import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LineSplitter } from '../src/rpc/framing.js';

const test = suite('rpc framing: line splitter');

function collect(max = 16): { lines: string[]; oversize: number; splitter: LineSplitter } {
  const out = { lines: [] as string[], oversize: 0, splitter: undefined as unknown as LineSplitter };
  out.splitter = new LineSplitter(
    (line) => out.lines.push(line),
    () => out.oversize++,
    max,
  );
  return out;
}

test('splits frames across chunk boundaries and skips blank lines', () => {
  const c = collect();
  c.splitter.push(Buffer.from('{"a"'));
  c.splitter.push(Buffer.from(':1}\n\n{"b":2}\n{"c"'));
  assert.equal(c.lines, ['{"a":1}', '{"b":2}']);
  assert.is(c.splitter.pending, 4);
});

test('keeps multi-byte characters split between chunks intact', () => {
  const c = collect();
  const bytes = Buffer.from('"é€"\n');
  c.splitter.push(bytes.subarray(0, 2));
  c.splitter.push(bytes.subarray(2));
  assert.equal(c.lines, ['"é€"']);
});

test('reports an oversize frame once, drops it, and resumes at the next line', () => {
  const c = collect(8);
  c.splitter.push(Buffer.from('0123456'));
  c.splitter.push(Buffer.from('789abcdef'));
  c.splitter.push(Buffer.from('more\n{"ok":1}\n'));
  assert.is(c.oversize, 1);
  assert.equal(c.lines, ['{"ok":1}']);
});

test.run();
