/**
 * Hooks of different units at the same time, as Juju's unit agents run them: each
 * change a hook makes triggers its hooks once, for that hook, whatever other units
 * committed meanwhile; each unit (each machine) still runs one hook at a time, in
 * its order; a serial model runs one hook at a time across the model.
 */
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LocalModel, type HookOutcome, type HookRun } from '../src/index.js';
import { HookChanges } from '../src/runner/hook-changes.js';
import { RUNNER_FORMAT, type QueuedHook, type RunnerState } from '../src/runner/state.js';
import { ok, tempDir, tool } from './support.js';

/** A charm of plain hook tools (no Lucky): `dispatch` is the given shell script. */
async function charm(dir: string, metadata: string, dispatch: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'metadata.yaml'), metadata);
  await writeFile(join(dir, 'dispatch'), `#!/bin/sh\nset -e\n${dispatch}`);
  await chmod(join(dir, 'dispatch'), 0o755);
  return dir;
}

const RING = 'name: ring\npeers:\n  ring:\n    interface: ring\n';

/** The runner state `HookChanges` reads: nothing dying. */
const STATE: RunnerState = {
  format: RUNNER_FORMAT,
  path: [],
  maxHooksPerOperation: 500,
  applications: {},
  errors: {},
  dyingUnits: [],
  dyingRelations: [],
  queue: [],
};

function describe(hooks: readonly QueuedHook[]): string[] {
  return hooks.map((hook) => [hook.unit, hook.hook, hook.remoteUnit, hook.secret ? `revision ${hook.secret.revision}` : ''].filter(Boolean).join(' '));
}

function succeeded(outcomes: readonly HookOutcome[]): HookOutcome[] {
  for (const outcome of outcomes) assert.is(outcome.exitCode, 0, `${outcome.unit} ${outcome.hook} failed:\n${outcome.stderr}`);
  return [...outcomes];
}

/** Each run's [start, end] in ms. */
function span(run: HookRun): [number, number] {
  const start = Date.parse(run.startedAt);
  return [start, start + run.durationMs];
}

function overlap(a: HookRun, b: HookRun): boolean {
  const [s1, e1] = span(a);
  const [s2, e2] = span(b);
  return s1 < e2 && s2 < e1;
}

// ---

const attribution = suite<{ root: string; model: LocalModel }>('Concurrent hooks: a change triggers its hooks once, for the hook that made it');

attribution.before(async (ctx) => {
  ctx.root = await tempDir('concurrent-attribution');
  ctx.model = await LocalModel.create(join(ctx.root, 'model'));
  succeeded(await ctx.model.deploy(await charm(join(ctx.root, 'ring'), RING, 'true\n'), { units: 2 }));
});

attribution.after(async (ctx) => {
  await ctx.model.destroy();
  await rm(ctx.root, { recursive: true, force: true });
});

attribution('relation data and leader settings of two overlapping hooks, whichever ends first', async (ctx) => {
  const sim = ctx.model.simulator;
  for (const leaderEndsFirst of [false, true]) {
    const before = await sim.state();
    const leader = await sim.openContext('ring/0', 'update-status');
    const follower = await sim.openContext('ring/1', 'update-status');
    const round = String(leaderEndsFirst);
    ok(await tool(sim, leader.env, 'relation-set', ['-r', 'ring:0', `from-leader=${round}`]), '');
    ok(await tool(sim, leader.env, 'relation-set', ['-r', 'ring:0', '--app', `app=${round}`]), '');
    // Immediate: in the model while the follower's hook still runs.
    ok(await tool(sim, leader.env, 'leader-set', [`token=${round}`]), '');
    ok(await tool(sim, follower.env, 'relation-set', ['-r', 'ring:0', `from-follower=${round}`]), '');
    const [first, second] = leaderEndsFirst ? [leader, follower] : [follower, leader];
    await first.close(true);
    const afterFirst = await sim.state();
    await second.close(true);
    const afterSecond = await sim.state();
    const changes = new HookChanges();
    const [firstUnit, secondUnit] = leaderEndsFirst ? ['ring/0', 'ring/1'] : ['ring/1', 'ring/0'];
    const triggered = {
      [firstUnit]: describe(changes.finished(firstUnit, before, afterFirst, STATE)),
      [secondUnit]: describe(changes.finished(secondUnit, before, afterSecond, STATE)),
    };
    assert.equal(
      triggered,
      {
        // Its unit bag, its application's bag (the leader's) and its leader settings, each once.
        'ring/0': ['ring/1 ring-relation-changed ring/0', 'ring/1 ring-relation-changed ring/0', 'ring/1 leader-settings-changed'],
        'ring/1': ['ring/0 ring-relation-changed ring/1'],
      },
      `leader ends first: ${round}`,
    );
  }
});

attribution('an obsolete secret revision goes to its owner once, when the owner and a consumer move on in overlapping hooks', async (ctx) => {
  const sim = ctx.model.simulator;
  const setup = await sim.openContext('ring/0', 'update-status');
  const added = await tool(sim, setup.env, 'secret-add', ['--owner', 'unit', 'value=r1']);
  assert.is(added.exitCode, 0, added.stderr);
  const id = added.stdout.trim();
  ok(await tool(sim, setup.env, 'secret-grant', [id, '-r', 'ring:0', '--unit', 'ring/1']), '');
  await setup.close(true);
  const read = await sim.openContext('ring/1', 'update-status');
  ok(await tool(sim, read.env, 'secret-get', [id, 'value']), 'r1\n');
  await read.close(true);

  // The consumer refreshes before the owner's hook end is seen, then after: either way one secret-remove.
  for (const [round, refreshFirst] of [
    [2, true],
    [3, false],
  ] as const) {
    const before = await sim.state();
    const owner = await sim.openContext('ring/0', 'update-status');
    const consumer = await sim.openContext('ring/1', 'update-status');
    ok(await tool(sim, owner.env, 'secret-set', [id, `value=r${round}`]), '');
    await owner.close(true);
    if (refreshFirst) ok(await tool(sim, consumer.env, 'secret-get', [id, 'value', '--refresh']), `r${round}\n`);
    const afterOwner = await sim.state();
    if (!refreshFirst) ok(await tool(sim, consumer.env, 'secret-get', [id, 'value', '--refresh']), `r${round}\n`);
    await consumer.close(true);
    const afterConsumer = await sim.state();
    const changes = new HookChanges();
    const byOwner = describe(changes.finished('ring/0', before, afterOwner, STATE));
    const byConsumer = describe(changes.finished('ring/1', before, afterConsumer, STATE));
    const obsolete = `ring/0 secret-remove revision ${round - 1}`;
    if (refreshFirst) {
      // The consumer already reads the new revision: no secret-changed; the old one is nobody's.
      assert.equal([byOwner, byConsumer], [[obsolete], []]);
    } else {
      assert.equal([byOwner, byConsumer], [['ring/1 secret-changed revision 0'], [obsolete]]);
    }
  }
});

attribution.run();

// ---

const concurrent = suite<{ root: string }>('Concurrent hooks: units run at once, each unit and machine one hook at a time');

concurrent.before(async (ctx) => {
  ctx.root = await tempDir('concurrent-units');
});

concurrent.after(async (ctx) => {
  await rm(ctx.root, { recursive: true, force: true });
});

concurrent('two units install at the same time: each waits for the other inside its hook', async (ctx) => {
  const meet = join(ctx.root, 'meet');
  await mkdir(meet);
  // Only when the other unit's install runs meanwhile does this one finish well (deadline 30 s).
  const dispatch = `if [ "$JUJU_HOOK_NAME" = install ]; then
  touch "${meet}/$(echo "$JUJU_UNIT_NAME" | tr / -)"
  i=0
  while [ "$(ls "${meet}" | wc -l)" -lt 2 ]; do
    i=$((i + 1)); [ $i -lt 600 ] || { echo "the other unit's install did not run meanwhile" >&2; exit 1; }
    sleep 0.05
  done
fi
relation-set -r "$(relation-ids ring)" "seen-by-$(echo "$JUJU_UNIT_NAME" | tr / -)=$JUJU_HOOK_NAME"
`;
  const model = await LocalModel.create(join(ctx.root, 'model'));
  try {
    const events: string[] = [];
    model.listener = {
      hookStarted: (unit, hook) => events.push(`started ${unit} ${hook}`),
      hookFinished: (outcome) => events.push(`finished ${outcome.unit} ${outcome.hook}`),
    };
    const outcomes = succeeded(await model.deploy(await charm(join(ctx.root, 'ring'), RING, dispatch), { units: 2 }));
    // Outcomes come in the order the hooks finished, as the listener heard them, each after its start.
    assert.equal(
      events.filter((event) => event.startsWith('finished ')),
      outcomes.map((outcome) => `finished ${outcome.unit} ${outcome.hook}`),
    );
    for (const [i, event] of events.entries()) {
      if (event.startsWith('finished ')) assert.ok(events.slice(0, i).includes(event.replace('finished', 'started')), event);
    }
    const runs = await model.hookLog();
    assert.is(runs.length, outcomes.length);
    for (const unit of ['ring/0', 'ring/1']) {
      const own = runs.filter((run) => run.unit === unit);
      // Juju's order on each unit, whatever the other did meanwhile.
      const leader = unit === 'ring/0' ? 'leader-elected' : 'leader-settings-changed';
      assert.equal(
        own.slice(0, 5).map((run) => run.hook),
        ['install', 'ring-relation-created', leader, 'config-changed', 'start'],
        unit,
      );
      assert.is(own[5]?.hook, 'ring-relation-joined', unit);
      assert.ok(
        own.slice(6).every((run) => run.hook === 'ring-relation-changed' || run.hook === 'leader-settings-changed'),
        own.map((run) => run.hook).join(', '),
      );
      for (const [i, run] of own.entries())
        for (const other of own.slice(i + 1)) assert.not.ok(overlap(run, other), `${unit}: ${run.hook} and ${other.hook} overlap`);
    }
    // Final state: each unit's last write reached the other through one -changed at least.
    const data = await model.simulator.relationData(0);
    assert.is(data.units['ring/0']?.['seen-by-ring-0'], 'ring-relation-changed');
    assert.is(data.units['ring/1']?.['seen-by-ring-1'], 'ring-relation-changed');
  } finally {
    await model.destroy();
  }
});

concurrent("a change made while the other unit's -changed runs queues another -changed: the running one read the old data", async (ctx) => {
  const marks = join(ctx.root, 'marks');
  await mkdir(marks);
  const dir = join(ctx.root, 'in-flight');
  // ring/0's first -changed runs while ring/1's -joined ends: it waits (deadline 30 s) until the
  // runner has queued the -changed that ring/1's write triggers, next to itself still in flight.
  const dispatch = `wait_for() { i=0; until "$@"; do i=$((i + 1)); [ $i -lt 600 ] || { echo "gave up waiting: $*" >&2; exit 1; }; sleep 0.05; done; }
queued_twice() { node -e 'const q = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).queue; process.exit(q.filter((e) => e.unit === "ring/0" && e.hook === "ring-relation-changed").length >= 2 ? 0 : 1)' "${dir}/runner.json"; }
case "$JUJU_HOOK_NAME" in
  ring-relation-joined)
    relation-set -r "$JUJU_RELATION_ID" "hello=$JUJU_UNIT_NAME"
    if [ "$JUJU_UNIT_NAME" = ring/1 ]; then wait_for test -e "${marks}/changed-started"; fi ;;
  ring-relation-changed)
    seen=$(relation-get hello "$JUJU_REMOTE_UNIT")
    if [ "$JUJU_UNIT_NAME" = ring/0 ] && [ ! -e "${marks}/changed-started" ]; then touch "${marks}/changed-started"; wait_for queued_twice; fi
    echo "$seen" >> "${marks}/seen-$(echo "$JUJU_UNIT_NAME" | tr / -)" ;;
esac
`;
  const model = await LocalModel.create(dir);
  try {
    succeeded(await model.deploy(await charm(join(ctx.root, 'ring-in-flight'), RING, dispatch), { units: 2 }));
    // The first -changed saw nothing of ring/1 yet; the one queued after its write saw it.
    assert.equal((await readFile(join(marks, 'seen-ring-0'), 'utf8')).split('\n'), ['', 'ring/1', '']);
  } finally {
    await model.destroy();
  }
});

concurrent('a principal and its subordinate share a machine: their hooks never overlap', async (ctx) => {
  const locks = join(ctx.root, 'machines');
  await mkdir(locks);
  // mkdir is atomic: a second hook on the same machine at the same time fails.
  const dispatch = `machine="${locks}/$(echo "\${JUJU_PRINCIPAL_UNIT:-$JUJU_UNIT_NAME}" | tr / -)"
mkdir "$machine" || { echo "another hook runs on this machine" >&2; exit 1; }
sleep 0.1
rmdir "$machine"
`;
  const web = await charm(join(ctx.root, 'web'), 'name: web\n', dispatch);
  const sub = await charm(
    join(ctx.root, 'sub'),
    'name: sub\nsubordinate: true\nrequires:\n  juju-info:\n    interface: juju-info\n    scope: container\n',
    dispatch,
  );
  const model = await LocalModel.create(join(ctx.root, 'subordinates'));
  try {
    succeeded(await model.deploy(web, { units: 2 }));
    succeeded(await model.deploy(sub));
    succeeded(await model.relate('sub', 'web'));
    const runs = await model.hookLog();
    for (const principal of ['web/0', 'web/1']) {
      const subordinate = `sub/${principal.slice(-1)}`;
      const mine = runs.filter((run) => run.unit === principal || run.env.JUJU_PRINCIPAL_UNIT === principal);
      assert.ok(
        mine.some((run) => run.unit === subordinate),
        `${subordinate} ran on ${principal}'s machine`,
      );
      for (const [i, run] of mine.entries())
        for (const other of mine.slice(i + 1)) assert.not.ok(overlap(run, other), `${run.unit} ${run.hook} and ${other.unit} ${other.hook} overlap`);
    }
  } finally {
    await model.destroy();
  }
});

concurrent('a serial model runs one hook at a time across the model, and stays serial when opened again', async (ctx) => {
  const dir = join(ctx.root, 'serial');
  const created = await LocalModel.create(dir, { serial: true });
  try {
    const ring = await charm(join(ctx.root, 'ring-serial'), RING, 'true\n');
    succeeded(await created.deploy(ring, { units: 2 }));
    assert.is((JSON.parse(await readFile(join(dir, 'runner.json'), 'utf8')) as RunnerState).serial, true);
    const model = await LocalModel.open(dir);
    succeeded(await model.addUnit('ring'));
    const runs = await model.hookLog();
    for (const [i, run] of runs.entries())
      for (const other of runs.slice(i + 1)) assert.not.ok(overlap(run, other), `${run.unit} ${run.hook} and ${other.unit} ${other.hook} overlap`);
  } finally {
    await created.destroy();
  }
});

concurrent.run();
