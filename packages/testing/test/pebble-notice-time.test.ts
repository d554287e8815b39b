// Notice times: nanoseconds as Pebble prints them, never two alike, read back exactly.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { noticeTime, timeNanos } from '../src/pebble/notice-time.js';
import { NoticeStore } from '../src/pebble/notices.js';

const test = suite('pebble server: notice times');

test('RFC 3339 with nine fraction digits, strictly increasing even within one millisecond', () => {
  const times = Array.from({ length: 1000 }, () => noticeTime());
  for (const time of times) assert.match(time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  for (let i = 1; i < times.length; i++) assert.ok(timeNanos(times[i]!)! > timeNanos(times[i - 1]!)!, `${times[i]} after ${times[i - 1]}`);
});

test('timeNanos reads any fraction and offsets; refuses what is not RFC 3339', () => {
  assert.is(timeNanos('1970-01-01T00:00:01Z'), 1_000_000_000n);
  assert.is(timeNanos('1970-01-01T00:00:01.5Z'), 1_500_000_000n);
  assert.is(timeNanos('1970-01-01T01:00:01.000000007+01:00'), 1_000_000_007n);
  assert.is(timeNanos('yesterday'), undefined);
  assert.is(timeNanos('1970-01-01 00:00:01Z'), undefined);
});

test('after=<last-repeated> lists every notice made later, however close in time', () => {
  const store = new NoticeStore();
  const first = store.add('custom', 'example.com/a');
  const repeated = store.add('custom', 'example.com/a');
  const other = store.add('custom', 'example.com/b');
  assert.is(repeated.id, first.id);
  assert.equal(
    store.list({ after: repeated.lastRepeated }).map((n) => n.id),
    [other.id],
  );
  assert.equal(
    store.list({}).map((n) => n.id),
    [first.id, other.id],
  );
});

test.run();
