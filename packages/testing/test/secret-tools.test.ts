import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { SimulatedModel } from '../src/index.js';
import { fails, makeFixture, ok, rejects, setHookScript, tool, type Fixture, type ToolResult } from './support.js';

type Env = Readonly<Record<string, string>>;

/** Runs `fn` with the tools of a hook context on `unit`, then ends it (committing unless told not to). */
async function inHook<T>(
  model: SimulatedModel,
  unit: string,
  fn: (run: (name: string, args?: readonly string[]) => Promise<ToolResult>, env: Env) => Promise<T>,
  commit = true,
): Promise<T> {
  const ctx = await model.openContext(unit, 'update-status');
  try {
    return await fn((name, args = []) => tool(model, ctx.env, name, args), ctx.env);
  } finally {
    await ctx.close(commit);
  }
}

const ID = /^secret:([0-9a-v]{20})\n$/;

function idOf(result: ToolResult): string {
  assert.is(result.stderr, '');
  assert.is(result.exitCode, 0);
  const id = ID.exec(result.stdout)?.[1];
  if (id === undefined) throw new Error(`expected a secret URI, got ${JSON.stringify(result.stdout)}`);
  return id;
}

const tools = suite('secret tools');
let f: Fixture;
tools.before(async () => {
  f = await makeFixture('secrets');
});
tools.after(async () => {
  await rm(f.root, { recursive: true, force: true });
});

tools('secret-add prints a new secret:<xid>; the secret exists once the hook commits, and the hook reads it back before', async () => {
  let id = '';
  await inHook(f.model, 'web/0', async (run) => {
    id = idOf(await run('secret-add', ['--label', 'first', 'password=s3cret', 'user-name=admin']));
    ok(await run('secret-ids'), `${id}\n`);
    ok(await run('secret-get', [`secret:${id}`]), 'password: s3cret\nuser-name: admin\n');
    ok(await run('secret-get', ['--label', 'first', '--format=json']), '{"password":"s3cret","user-name":"admin"}\n');
    assert.is((await f.model.state()).secrets?.[id], undefined, 'not in the model before the commit');
  });
  const secret = (await f.model.state()).secrets?.[id];
  assert.ok(secret);
  assert.equal(secret.owner, { kind: 'application', id: 'web' });
  assert.is(secret.label, 'first');
  assert.equal(
    secret.revisions.map((r) => [r.revision, r.content]),
    [[1, { password: Buffer.from('s3cret').toString('base64'), 'user-name': Buffer.from('admin').toString('base64') }]],
  );
});

tools('a failed hook discards its secrets', async () => {
  let id = '';
  await inHook(
    f.model,
    'web/0',
    async (run) => {
      id = idOf(await run('secret-add', ['token=abc']));
    },
    false,
  );
  assert.is((await f.model.state()).secrets?.[id], undefined);
});

tools('secret-add: leadership, owners and command-line errors as Juju words them', async () => {
  await inHook(f.model, 'web/1', async (run) => {
    fails(await run('secret-add', ['token=abc']), 1, 'ERROR this unit is not the leader\n');
    const id = idOf(await run('secret-add', ['--owner', 'unit', 'token=abc']));
    ok(await run('secret-info-get', [id, '--format=json']), `{"${id}":{"revision":1,"label":"","owner":"unit"}}\n`);
  });
  await inHook(f.model, 'web/0', async (run) => {
    fails(await run('secret-add'), 2, 'ERROR missing secret value or filename\n');
    fails(await run('secret-add', ['Token=abc']), 2, 'ERROR key "Token" not valid\n');
    fails(await run('secret-add', ['ab=abc']), 2, 'ERROR key "ab" not valid\n');
    fails(await run('secret-add', ['token']), 2, 'ERROR key value "token" not valid\n');
    fails(await run('secret-add', ['--rotate', 'sometimes', 'token=abc']), 2, 'ERROR rotate policy "sometimes" not valid\n');
    fails(await run('secret-add', ['--expire', 'soon', 'token=abc']), 2, 'ERROR expire time or duration "soon" not valid\n');
    fails(await run('secret-add', ['--expire', '-5m', 'token=abc']), 2, 'ERROR negative expire duration "-5m" not valid\n');
    fails(await run('secret-add', ['--owner', 'model', 'token=abc']), 2, 'ERROR secret owner "model" not valid\n');
    fails(await run('secret-add', [`big=${'x'.repeat(9000)}`]), 2, 'ERROR secret content for key "big" too large: 9000 bytes\n');
    fails(
      await run('secret-add', ['token#file=/nonexistent/x']),
      2,
      'ERROR reading content for secret key "token": open /nonexistent/x: no such file or directory\n',
    );
  });
});

tools('key#file reads the file, key#base64 takes base64; secret-get key and key#base64', async () => {
  const file = join(f.root, 'cert.pem');
  await writeFile(file, 'line one\nline two\n');
  await inHook(f.model, 'web/0', async (run) => {
    const id = idOf(await run('secret-add', [`cert#file=${file}`, `blob#base64=${Buffer.from('binary?').toString('base64')}`]));
    ok(await run('secret-get', [id, 'cert']), '|\n  line one\n  line two\n');
    ok(await run('secret-get', [id, 'cert', '--format=json']), '"line one\\nline two\\n"\n');
    ok(await run('secret-get', [id, 'blob']), 'binary?\n');
    ok(await run('secret-get', [id, 'blob#base64']), `${Buffer.from('binary?').toString('base64')}\n`);
    fails(await run('secret-get', [id, 'nope']), 1, 'ERROR secret key value "nope" not found\n');
  });
});

tools('secret-get: argument errors, unknown secrets, and no access without a grant', async () => {
  let id = '';
  await inHook(f.model, 'web/0', async (run) => {
    id = idOf(await run('secret-add', ['--label', 'db-pass', 'password=one']));
  });
  await inHook(f.model, 'pg/0', async (run) => {
    fails(await run('secret-get'), 2, 'ERROR require either a secret URI or label\n');
    fails(await run('secret-get', ['nope']), 2, 'ERROR secret URI "nope" not valid\n');
    fails(await run('secret-get', [id, '--peek', '--refresh']), 2, 'ERROR specify one of --peek or --refresh but not both\n');
    fails(await run('secret-get', [id, '--format=smart']), 2, 'ERROR invalid value "smart" for option --format: unknown format "smart"\n');
    fails(await run('secret-get', ['secret:aaaaaaaaaaaaaaaaaaaa']), 1, 'ERROR secret "secret:aaaaaaaaaaaaaaaaaaaa" not found\n');
    fails(await run('secret-get', [id]), 1, 'ERROR permission denied\n');
    fails(await run('secret-get', ['--label', 'db-pass']), 1, 'ERROR consumer label "db-pass" not found\n');
  });
});

tools('grant over a relation; consumers track their revision; --peek reads the latest once, --refresh moves to it', async () => {
  let id = '';
  await inHook(f.model, 'web/0', async (run) => {
    id = idOf(await run('secret-add', ['--label', 'shared', 'password=one']));
    ok(await run('secret-grant', [id, '-r', `db:${f.db}`]), '');
  });
  await inHook(f.model, 'pg/0', async (run) => {
    ok(await run('secret-get', [id, '--label', 'mine']), 'password: one\n');
  });
  await inHook(f.model, 'web/0', async (run) => {
    ok(await run('secret-set', [id, 'password=two']), '');
    // The owner reads the latest, pending revision included only with --peek/--refresh.
    ok(await run('secret-get', [id, '--peek']), 'password: two\n');
  });
  assert.is((await f.model.state()).secrets?.[id]?.revisions.at(-1)?.revision, 2);
  await inHook(f.model, 'pg/0', async (run) => {
    ok(await run('secret-get', [id]), 'password: one\n', 'still the tracked revision');
    ok(await run('secret-get', ['--label', 'mine', '--peek']), 'password: two\n', 'peek');
    ok(await run('secret-get', [id]), 'password: one\n', 'peek did not move the tracking');
    ok(await run('secret-get', [id, '--refresh']), 'password: two\n', 'refresh');
    ok(await run('secret-get', [id]), 'password: two\n', 'now tracking 2');
  });
  await inHook(f.model, 'web/0', async (run) => {
    ok(await run('secret-get', [id]), 'password: two\n', 'the owner reads the latest');
    ok(
      await run('secret-info-get', [id]),
      `${id}:\n  revision: 2\n  label: shared\n  owner: application\n  access:\n  - target: application-pg\n    scope: relation-web.db#pg.db\n    role: view\n`,
    );
    ok(
      await run('secret-info-get', ['--label', 'shared', '--format=json']),
      `{"${id}":{"revision":2,"label":"shared","owner":"application","access":[{"target":"application-pg","scope":"relation-web.db#pg.db","role":"view"}]}}\n`,
    );
    fails(await run('secret-info-get', [id, '--label', 'shared']), 2, 'ERROR specify either a secret URI or label but not both\n');
    ok(await run('secret-revoke', [id, '--app', 'pg']), '');
  });
  await inHook(f.model, 'pg/0', async (run) => {
    fails(await run('secret-get', [id]), 1, 'ERROR permission denied\n');
  });
});

tools('secret-grant errors: relation, unit, unknown secret, non-leader', async () => {
  let id = '';
  await inHook(f.model, 'web/0', async (run) => {
    id = idOf(await run('secret-add', ['password=x']));
    fails(await run('secret-grant', [id]), 2, 'ERROR no relation id specified\n');
    fails(await run('secret-grant', [id, '-r', '99']), 2, 'ERROR invalid value "99" for option -r: relation not found\n');
    fails(await run('secret-grant', [id, '-r', String(f.db), '--unit', 'web/1']), 2, 'ERROR cannot specify unit "web/1" in relation to application "pg"\n');
    fails(await run('secret-grant', ['secret:aaaaaaaaaaaaaaaaaaaa', '-r', String(f.db)]), 1, 'ERROR secret "aaaaaaaaaaaaaaaaaaaa" not found\n');
    fails(await run('secret-revoke', [id]), 2, 'ERROR missing relation or application or unit\n');
  });
  await inHook(f.model, 'web/1', async (run) => {
    fails(await run('secret-grant', [id, '-r', String(f.db)]), 1, `ERROR secret "${id}" not found\n`);
    fails(await run('secret-info-get', [id]), 1, `ERROR secret "${id}" not found\n`);
    assert.not.ok((await run('secret-ids')).stdout.includes(id), "the application's secret is the leader's to list");
  });
  await inHook(f.model, 'pg/1', async (run) => {
    ok(await run('secret-ids'), '', 'smart: nothing for none');
    ok(await run('secret-ids', ['--format=json']), 'null\n');
  });
});

tools('a unit that does not manage a secret has its changes refused when the hook commits: permission denied', async () => {
  let id = '';
  await inHook(f.model, 'web/0', async (run) => {
    id = idOf(await run('secret-add', ['password=x']));
  });
  const ctx = await f.model.openContext('pg/0', 'update-status');
  ok(await tool(f.model, ctx.env, 'secret-set', [id, 'password=stolen']), '');
  await rejects(ctx.close(true), /permission denied/);
  assert.is((await f.model.state()).secrets?.[id]?.revisions.length, 1);
});

tools('--rotate and --expire: secret-info-get shows the policy and times (model clock)', async () => {
  const clock = new Date((await f.model.state()).clock ?? Date.now());
  await inHook(f.model, 'web/0', async (run) => {
    const id = idOf(await run('secret-add', ['--rotate', 'daily', '--expire', '2030-01-02T03:04:05Z', '--description', 'db', 'password=x']));
    // Rotation is scheduled when the secret is created (at the commit); the pending view has none yet.
    ok(
      await run('secret-info-get', [id]),
      `${id}:\n  revision: 1\n  label: ""\n  owner: application\n  description: db\n  rotation: daily\n  expiry: 2030-01-02T03:04:05Z\n`,
    );
  });
  const secrets = Object.values((await f.model.state()).secrets ?? {});
  const rotating = secrets.find((secret) => secret.rotatePolicy === 'daily');
  assert.is(rotating?.nextRotateAt, new Date(clock.getTime() + 86_400_000).toISOString());
});

tools('secret-remove: one revision, or the whole secret', async () => {
  let id = '';
  await inHook(f.model, 'web/0', async (run) => {
    id = idOf(await run('secret-add', ['password=one']));
  });
  await inHook(f.model, 'web/0', async (run) => {
    ok(await run('secret-set', [id, 'password=two']), '');
  });
  await inHook(f.model, 'web/0', async (run) => {
    fails(
      await run('secret-remove', [id, '--revision', 'x']),
      2,
      'ERROR invalid value "x" for option --revision: strconv.ParseInt: parsing "x": invalid syntax\n',
    );
    ok(await run('secret-remove', [id, '--revision', '1']), '');
  });
  assert.equal(
    (await f.model.state()).secrets?.[id]?.revisions.map((r) => r.revision),
    [2],
  );
  await inHook(f.model, 'web/0', async (run) => {
    ok(await run('secret-remove', [id]), '');
    assert.not.ok((await run('secret-ids')).stdout.includes(id), 'pending removal hides it');
  });
  assert.is((await f.model.state()).secrets?.[id], undefined);
});

tools('secret hooks get JUJU_SECRET_ID, JUJU_SECRET_LABEL, and JUJU_SECRET_REVISION only when given', async () => {
  await setHookScript(f.webCharm, 'echo "id=$JUJU_SECRET_ID label=${JUJU_SECRET_LABEL-unset} rev=${JUJU_SECRET_REVISION-unset}"\n');
  const changed = await f.model.runHook('web/0', 'secret-changed', { secret: { id: 'secret:aaaaaaaaaaaaaaaaaaaa', label: '', revision: 0 } });
  assert.is(changed.stdout, 'id=secret:aaaaaaaaaaaaaaaaaaaa label= rev=unset\n');
  const removed = await f.model.runHook('web/0', 'secret-remove', { secret: { id: 'secret:aaaaaaaaaaaaaaaaaaaa', label: 'x', revision: 3 } });
  assert.is(removed.stdout, 'id=secret:aaaaaaaaaaaaaaaaaaaa label=x rev=3\n');
  await rejects(f.model.runHook('web/0', 'secret-rotate'), /secret-rotate is about a secret/);
  await setHookScript(f.webCharm, 'true\n');
});

tools.run();
