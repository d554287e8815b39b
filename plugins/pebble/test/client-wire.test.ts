import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { boundaryOf, encodeMultipart, formatDuration, newBoundary, parseDuration, parseMultipart } from '../src/client/index.js';

const test = suite('pebble client: wire helpers (Go durations, multipart)');

test('Go durations parse and format', () => {
  assert.is(parseDuration('10s'), 10_000);
  assert.is(parseDuration('500ms'), 500);
  assert.is(parseDuration('1m30s'), 90_000);
  assert.is(parseDuration('1.5h'), 5_400_000);
  assert.is(parseDuration('4.000s'), 4_000);
  assert.is(parseDuration('0'), 0);
  assert.is(parseDuration('10'), undefined);
  assert.is(parseDuration('soon'), undefined);
  assert.is(formatDuration(2_000), '2s');
  assert.is(formatDuration(1_500), '1500ms');
  assert.is(parseDuration(formatDuration(0.25)), 0.25);
});

test('multipart: Go-style boundary, quoting of filenames, binary bodies, round trip', () => {
  const boundary = newBoundary();
  assert.ok(boundary.length >= 32, 'Pebble refuses boundaries under 32 characters');
  const binary = Buffer.from([0, 13, 10, 45, 45, 255]);
  const body = encodeMultipart(boundary, [
    { name: 'request', contentType: 'application/json', body: '{"action":"write"}' },
    { name: 'files', filename: '/tmp/we"ird\\name', body: binary },
  ]);
  assert.ok(body.toString('latin1').includes('filename="/tmp/we\\"ird\\\\name"'));
  const parts = parseMultipart(body, boundary);
  assert.equal(
    parts.map((p) => [p.name, p.filename, p.headers['content-type']]),
    [
      ['request', undefined, 'application/json'],
      ['files', '/tmp/we"ird\\name', 'application/octet-stream'],
    ],
  );
  assert.ok(parts[1]!.body.equals(binary));
  assert.is(boundaryOf(`multipart/form-data; boundary=${boundary}`), boundary);
  assert.is(boundaryOf('multipart/form-data; boundary="quoted"'), 'quoted');
  assert.is(boundaryOf('application/json'), undefined);
  assert.throws(() => parseMultipart(Buffer.from('no parts here'), boundary), /no boundary/);
});

test.run();
