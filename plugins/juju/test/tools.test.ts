import * as assert from 'uvu/assert';
import { argv, failure, fakeTool, fakeToolsSuite } from './fake-tools.js';
import { configGet, isLeader, relationGet, relationSet, resourceGet, statusSet } from '../src/tools/index.js';

const test = fakeToolsSuite('juju bridge: hook tools at the process boundary', 'lucky-tools-');

test('arguments are passed as an array, never through a shell', async (ctx) => {
  fakeTool(ctx, 'relation-set', 'exit 0');
  await relationSet(ctx.env, { relationId: 'db:1', app: true, values: { note: 'a b; rm -rf / $(x) `y`', empty: '' } });
  assert.equal(argv(ctx, 'relation-set'), ['--app', '-r', 'db:1', 'note=a b; rm -rf / $(x) `y`', 'empty=']);
  fakeTool(ctx, 'status-set', 'exit 0');
  await statusSet(ctx.env, 'blocked', '');
  assert.equal(argv(ctx, 'status-set'), ['blocked', '--', '']);
  // `--` keeps a message that starts with a dash from being read as an option.
  await statusSet(ctx.env, 'blocked', '-2 units missing');
  assert.equal(argv(ctx, 'status-set'), ['blocked', '--', '-2 units missing']);
});

test('JSON output is parsed and checked', async (ctx) => {
  fakeTool(ctx, 'config-get', `echo '{"port":8080,"name":"x","unset":null}'`);
  assert.equal(await configGet(ctx.env), { port: 8080, name: 'x', unset: null });
  assert.equal(argv(ctx, 'config-get'), ['--format=json', '--all']);
  fakeTool(ctx, 'relation-get', `echo '"db.internal"'`);
  assert.equal(await relationGet(ctx.env, { relationId: 'db:1', unit: 'pg/0', key: 'host' }), { host: 'db.internal' });
  assert.equal(argv(ctx, 'relation-get'), ['--format=json', '-r', 'db:1', 'host', 'pg/0']);
  fakeTool(ctx, 'is-leader', 'echo true');
  assert.is(await isLeader(ctx.env), true);
  fakeTool(ctx, 'resource-get', 'printf /srv/res.tgz');
  assert.is(await resourceGet(ctx.env, 'res'), '/srv/res.tgz');
});

test('output that is not the expected JSON is an error naming the tool', async (ctx) => {
  fakeTool(ctx, 'config-get', 'echo "port: 8080"');
  assert.match((await failure(configGet(ctx.env))).message, /^config-get printed output that is not JSON: "port: 8080\\n"$/);
  fakeTool(ctx, 'is-leader', 'echo \'"yes"\'');
  assert.match((await failure(isLeader(ctx.env))).message, /^is-leader printed unexpected JSON/);
  fakeTool(ctx, 'relation-get', 'echo \'{"a":1}\'');
  assert.match((await failure(relationGet(ctx.env, {}))).message, /^relation-get printed unexpected JSON/);
});

test("a tool's ERROR line becomes one clear message with the tool and exit code", async (ctx) => {
  fakeTool(ctx, 'relation-set', 'echo "ERROR cannot write relation settings" >&2; exit 1');
  const error = await failure(relationSet(ctx.env, { app: true, values: { a: 'b' } }));
  assert.is(error.message, 'relation-set failed: cannot write relation settings (exit 1)');
  fakeTool(ctx, 'status-set', 'exit 2');
  assert.is((await failure(statusSet(ctx.env, 'active', ''))).message, 'status-set failed: no error output (exit 2)');
});

test('a missing tool says that a hook (or the simulator) is needed', async (ctx) => {
  const error = await failure(configGet(ctx.env));
  assert.is(error.message, 'The Juju hook tool config-get is not on PATH: this needs a running Juju hook (or the Lucky simulator).');
});

test("a tool's warnings on stderr do not break its JSON (unlike Lucky, GAP-51)", async (ctx) => {
  fakeTool(ctx, 'config-get', 'echo "WARNING something" >&2; echo \'{"a":true}\'');
  assert.equal(await configGet(ctx.env), { a: true });
});

test.run();
