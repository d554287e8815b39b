import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ScriptEntry, ScriptKind } from '../src/config/schema.js';
import { ErrorCode, LuckyError, isLuckyError } from '../src/errors.js';
import { dispatchHook, finishHook, type HookOutcome } from '../src/hook-dispatcher.js';
import type { HookContext, Plugin, ScriptRunner } from '../src/plugin.js';
import { createPluginTestContext, type PluginTestContext } from '../src/testing/plugin-context.js';

interface Ctx {
  dir: string;
  daemon: PluginTestContext;
  hook: HookContext;
}

const test = suite<Ctx>('hook dispatcher');

test.before((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'lucky-dispatch-'));
  ctx.daemon = createPluginTestContext({ unit: 'app/0', dir: ctx.dir });
});

test.before.each((ctx) => {
  ctx.hook = { ...ctx.daemon.currentHook()!, hook: 'install' };
});

test.after((ctx) => {
  rmSync(ctx.dir, { recursive: true, force: true });
});

/** An inline host script entry whose text tells the test runner what to do. */
function entry(script: string, async = false): ScriptEntry {
  return { kind: 'inline-host-script', spec: { 'inline-host-script': script, 'shell-command': ['/bin/bash', '-c'], async } };
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Fails the test instead of hanging when `promise` never settles (e.g. entries run one after another by mistake). */
function within<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`deadline passed waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * A real runner for inline host scripts whose text is a command for the test:
 * `fail:<msg>` throws a LuckyError, `throw:<msg>` a plain Error, `wait:<gate>` waits
 * for a gate the test (or another entry, `open:<gate>`) opens. Everything it does is
 * recorded in `events`.
 */
function recordingRunner(events: string[], gates: Record<string, Deferred> = {}): ScriptRunner {
  return {
    kinds: ['inline-host-script'],
    async run(run) {
      const script = run.entry.kind === 'inline-host-script' ? run.entry.spec['inline-host-script'] : '?';
      events.push(`start ${script}`);
      const [verb, arg = ''] = script.split(':');
      if (verb === 'fail') throw new LuckyError(ErrorCode.ScriptFailed, arg);
      if (verb === 'throw') throw new Error(arg);
      if (verb === 'open') gates[arg]!.resolve();
      if (verb === 'wait') {
        await within(gates[arg]!.promise, `gate ${arg}`);
        // End a turn of the event loop later, so a hook that did not wait would finish first.
        await new Promise((resolve) => setImmediate(resolve));
      }
      events.push(`end ${script}`);
    },
  };
}

function runners(runner: ScriptRunner): Map<ScriptKind, ScriptRunner> {
  return new Map(runner.kinds.map((kind) => [kind, runner]));
}

const noEnv = (): Record<string, string> => ({});

test('entries run one after another, in order', async (ctx) => {
  const events: string[] = [];
  const outcome = await dispatchHook(ctx.hook, [entry('a'), entry('b'), entry('c')], ctx.daemon, [], runners(recordingRunner(events)), noEnv);
  assert.is(outcome.error, undefined);
  assert.equal(events, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
});

test('an async entry runs alongside the next ones and the hook waits for it', async (ctx) => {
  const events: string[] = [];
  // The async entry can only end after the next entry opened its gate: this deadlocks unless they run alongside.
  const gates = { g: deferred() };
  const outcome = await within(
    dispatchHook(ctx.hook, [entry('wait:g', true), entry('open:g')], ctx.daemon, [], runners(recordingRunner(events, gates)), noEnv),
    'the hook',
  );
  assert.is(outcome.error, undefined);
  assert.equal(events, ['start wait:g', 'start open:g', 'end open:g', 'end wait:g']);
});

test('a failing async entry fails the hook without stopping later entries', async (ctx) => {
  const events: string[] = [];
  const outcome = await dispatchHook(ctx.hook, [entry('fail:async broke', true), entry('b')], ctx.daemon, [], runners(recordingRunner(events)), noEnv);
  assert.equal(events, ['start fail:async broke', 'start b', 'end b']);
  assert.is(outcome.error?.message, 'async broke');
});

test('the first failing synchronous entry stops later entries, keeps its error, and the hook still waits for started async ones', async (ctx) => {
  const events: string[] = [];
  const gates = { g: deferred() };
  const plugin: Plugin = { name: 'recorder', hooks: { afterScript: (run) => void events.push(`after ${run.id}`) } };
  // The async entry is still running when the synchronous one fails; the failing entry opens its gate as it fails.
  const failing = recordingRunner(events, gates);
  const runner: ScriptRunner = {
    kinds: failing.kinds,
    async run(run, daemon) {
      try {
        await failing.run(run, daemon);
      } finally {
        if (run.id === 'install_1') gates.g.resolve();
      }
    },
  };
  const outcome = await within(
    dispatchHook(ctx.hook, [entry('wait:g', true), entry('fail:second broke'), entry('c')], ctx.daemon, [plugin], runners(runner), noEnv),
    'the hook',
  );
  assert.equal(events, ['start wait:g', 'start fail:second broke', 'end wait:g', 'after install_0']);
  assert.ok(isLuckyError(outcome.error));
  assert.is(outcome.error.code, ErrorCode.ScriptFailed);
  assert.is(outcome.error.message, 'second broke');
});

test('a beforeHook failure stops every entry and names the plugin', async (ctx) => {
  const events: string[] = [];
  const plugin: Plugin = {
    name: 'engine',
    hooks: {
      beforeHook: () => {
        throw new Error('no engine');
      },
    },
  };
  const outcome = await dispatchHook(ctx.hook, [entry('a'), entry('b', true)], ctx.daemon, [plugin], runners(recordingRunner(events)), noEnv);
  assert.equal(events, []);
  assert.ok(isLuckyError(outcome.error));
  assert.is(outcome.error.code, ErrorCode.PluginFailed);
  assert.is(outcome.error.message, 'The plugin engine failed in its beforeHook hook: no engine');
});

test('afterScript runs right after each successful script, not after a failed one', async (ctx) => {
  const events: string[] = [];
  const plugin: Plugin = { name: 'apply', hooks: { afterScript: (run) => void events.push(`after ${run.id}`) } };
  await dispatchHook(ctx.hook, [entry('a'), entry('b'), entry('fail:x')], ctx.daemon, [plugin], runners(recordingRunner(events)), noEnv);
  assert.equal(events, ['start a', 'end a', 'after install_0', 'start b', 'end b', 'after install_1', 'start fail:x']);
});

test('an afterScript failure fails that script and stops later entries', async (ctx) => {
  const events: string[] = [];
  const plugin: Plugin = {
    name: 'apply',
    hooks: {
      afterScript: () => {
        throw new Error('apply failed');
      },
    },
  };
  const outcome = await dispatchHook(ctx.hook, [entry('a'), entry('b')], ctx.daemon, [plugin], runners(recordingRunner(events)), noEnv);
  assert.equal(events, ['start a', 'end a']);
  assert.is(outcome.error?.message, 'The plugin apply failed in its afterScript hook: apply failed');
});

test('a script gets its id, the env from scriptEnv plus what setupScriptEnvironment adds, and output reaches the hook', async (ctx) => {
  const seen: Array<{ id: string; env: Record<string, string> }> = [];
  const output: string[] = [];
  const hook: HookContext = { ...ctx.hook, output: (stream, data) => void output.push(`${stream}:${data}`) };
  const plugin: Plugin = { name: 'env', hooks: { setupScriptEnvironment: (run) => void (run.env.ADDED = `for ${run.id}`) } };
  const runner: ScriptRunner = {
    kinds: ['inline-host-script'],
    run: async (run) => {
      seen.push({ id: run.id, env: { ...run.env } });
      run.output('stdout', `hi from ${run.id}`);
    },
  };
  await dispatchHook(hook, [entry('a'), entry('b')], ctx.daemon, [plugin], runners(runner), (id) => ({ LUCKY_SCRIPT_ID: id }));
  assert.equal(seen, [
    { id: 'install_0', env: { LUCKY_SCRIPT_ID: 'install_0', ADDED: 'for install_0' } },
    { id: 'install_1', env: { LUCKY_SCRIPT_ID: 'install_1', ADDED: 'for install_1' } },
  ]);
  assert.equal(output, ['stdout:hi from install_0', 'stdout:hi from install_1']);
});

test('an entry kind no plugin runs is a clear error and stops later entries', async (ctx) => {
  const events: string[] = [];
  const container: ScriptEntry = {
    kind: 'container-script',
    spec: { 'container-script': 'run.sh', args: [], 'ignore-missing-container': false, async: false },
  };
  const outcome = await dispatchHook(ctx.hook, [entry('a'), container, entry('c')], ctx.daemon, [], runners(recordingRunner(events)), noEnv);
  assert.equal(events, ['start a', 'end a']);
  assert.ok(isLuckyError(outcome.error));
  assert.is(outcome.error.code, ErrorCode.PluginFailed);
  assert.match(outcome.error.message, 'No plugin runs "container-script" entries (script install_1)');
  assert.match(outcome.error.message, '@lucky/plugin-docker');
});

test('a non-Lucky error of a script is wrapped with the script id and keeps its cause', async (ctx) => {
  const outcome = await dispatchHook(ctx.hook, [entry('throw:exit status 3')], ctx.daemon, [], runners(recordingRunner([])), noEnv);
  assert.ok(isLuckyError(outcome.error));
  assert.is(outcome.error.code, ErrorCode.ScriptFailed);
  assert.is(outcome.error.message, 'Script install_0 failed: exit status 3');
  assert.instance(outcome.error.cause, Error);
  assert.is((outcome.error.cause as Error).message, 'exit status 3');
});

test('an aborted hook starts no further entries', async (ctx) => {
  const events: string[] = [];
  const abort = new AbortController();
  const hook: HookContext = { ...ctx.hook, signal: abort.signal };
  // The first entry's runner sees the client go away; the second must not start.
  const runner = recordingRunner(events);
  const aborting: ScriptRunner = {
    kinds: runner.kinds,
    async run(run, daemon) {
      await runner.run(run, daemon);
      abort.abort();
    },
  };
  // Only what starts is checked: whether an aborted hook counts as failed is not specified.
  await dispatchHook(hook, [entry('a'), entry('b')], ctx.daemon, [], runners(aborting), noEnv);
  assert.equal(events, ['start a', 'end a']);
});

// ---

const finish = suite<Ctx>('hook dispatcher: finishHook');

finish.before((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'lucky-finish-'));
  ctx.daemon = createPluginTestContext({ unit: 'app/0', dir: ctx.dir });
  ctx.hook = ctx.daemon.currentHook()!;
});

finish.after((ctx) => {
  rmSync(ctx.dir, { recursive: true, force: true });
});

/** A plugin recording the `failed` flag afterHook gets, optionally throwing. */
function afterHookPlugin(name: string, seen: boolean[], error?: unknown): Plugin {
  return {
    name,
    hooks: {
      afterHook: (_hook, failed) => {
        seen.push(failed);
        if (error !== undefined) throw error;
      },
    },
  };
}

finish('a successful hook runs afterHook with failed=false and stays successful', async (ctx) => {
  const seen: boolean[] = [];
  const error = await finishHook(ctx.hook, { error: undefined }, ctx.daemon, [afterHookPlugin('a', seen), afterHookPlugin('b', seen)]);
  assert.is(error, undefined);
  assert.equal(seen, [false, false]);
});

finish('a failed hook runs afterHook with failed=true and returns the hook error', async (ctx) => {
  const seen: boolean[] = [];
  const outcome: HookOutcome = { error: new LuckyError(ErrorCode.ScriptFailed, 'script broke') };
  const error = await finishHook(ctx.hook, outcome, ctx.daemon, [afterHookPlugin('a', seen)]);
  assert.is(error, outcome.error);
  assert.equal(seen, [true]);
});

finish('an afterHook failure fails a successful hook, wrapped with the plugin name', async (ctx) => {
  const seen: boolean[] = [];
  const error = await finishHook(ctx.hook, { error: undefined }, ctx.daemon, [afterHookPlugin('status', seen, new Error('juju down'))]);
  assert.ok(isLuckyError(error));
  assert.is(error.code, ErrorCode.PluginFailed);
  assert.is(error.message, 'The plugin status failed in its afterHook hook: juju down');
});

finish('an afterHook LuckyError is returned as is', async (ctx) => {
  const thrown = new LuckyError(ErrorCode.HookToolFailed, 'status-set failed');
  const error = await finishHook(ctx.hook, { error: undefined }, ctx.daemon, [afterHookPlugin('status', [], thrown)]);
  assert.is(error, thrown);
});

finish('when the hook already failed, its own error wins over an afterHook failure', async (ctx) => {
  const outcome: HookOutcome = { error: new LuckyError(ErrorCode.ScriptFailed, 'script broke') };
  const error = await finishHook(ctx.hook, outcome, ctx.daemon, [afterHookPlugin('status', [], new Error('juju down'))]);
  assert.is(error, outcome.error);
});

test.run();
finish.run();
