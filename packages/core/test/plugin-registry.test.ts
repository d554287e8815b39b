import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LuckyConfig, PluginEntry } from '../src/config/schema.js';
import { ErrorCode, isLuckyError } from '../src/errors.js';
import type { Plugin, ScriptRunner } from '../src/plugin.js';
import { loadPlugin, type PluginModule } from '../src/plugin-loader.js';
import { loadPluginSet, type PluginSources } from '../src/plugin-registry.js';

interface Ctx {
  root: string;
  /** A fresh charm dir per test, so ESM's module cache never serves another test's package. */
  charmDir: string;
}

const test = suite<Ctx>('plugin registry and loader');

test.before((ctx) => {
  ctx.root = mkdtempSync(join(tmpdir(), 'lucky-plugins-'));
});

let charms = 0;
test.before.each((ctx) => {
  ctx.charmDir = join(ctx.root, `charm-${charms++}`);
  mkdirSync(ctx.charmDir);
});

test.after((ctx) => {
  rmSync(ctx.root, { recursive: true, force: true });
});

/** Writes an ESM plugin package `<charm>/node_modules/<name>` whose default export is `factory` (JS source). */
function writePlugin(charmDir: string, name: string, factory: string): void {
  const dir = join(charmDir, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', type: 'module', main: 'index.js' }));
  writeFileSync(join(dir, 'index.js'), `export default ${factory};\n`);
}

/** A plugin that hands back the options its factory got, so tests can see them. */
const echoFactory = (name: string): string => `(options) => ({ name: ${JSON.stringify(name)}, options })`;
/** A plugin providing a container runtime. */
const runtimeFactory = (name: string): string =>
  `(options) => ({ name: ${JSON.stringify(name)}, options, runtime: { name: ${JSON.stringify(`${name}-runtime`)} } })`;
/** A plugin running host scripts. */
const runnerFactory = (name: string): string => `() => ({ name: ${JSON.stringify(name)}, runners: [{ kinds: ['host-script'], run: async () => {} }] })`;

function entry(specifier: string, options?: Record<string, unknown>): PluginEntry {
  return { specifier, options };
}

function config(charmDir: string, parts: { runtime?: PluginEntry; plugins?: PluginEntry[] }): LuckyConfig {
  return {
    file: join(charmDir, 'lucky.yaml'),
    runtime: parts.runtime,
    hooks: {},
    actions: {},
    cronJobs: [],
    plugins: parts.plugins ?? [],
    hookTimeout: undefined,
  };
}

function optionsOf(plugin: Plugin | undefined): unknown {
  return (plugin as { options?: unknown } | undefined)?.options;
}

/** A built-in `docker` runtime, as the daemon carries it, counting how often it is imported. */
function builtinDocker(): { imports: number; sources: PluginSources } {
  const module: PluginModule = { default: (options: unknown) => ({ name: '@lucky/plugin-docker', options, runtime: { name: 'docker' } }) };
  const docker = {
    imports: 0,
    sources: {
      builtins: [],
      runtimes: {
        docker: async () => {
          docker.imports++;
          return module;
        },
      },
    },
  };
  return docker;
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

test('loadPlugin passes the entry options to the factory', async (ctx) => {
  writePlugin(ctx.charmDir, 'with-options', echoFactory('with-options'));
  const plugin = await loadPlugin(ctx.charmDir, entry('with-options', { port: 8080, tags: ['a'] }));
  assert.is(plugin.name, 'with-options');
  assert.equal(optionsOf(plugin), { port: 8080, tags: ['a'] });
  assert.is(optionsOf(await loadPlugin(ctx.charmDir, entry('with-options'))), undefined);
});

test('plugins load in order after the built-ins, each with its options', async (ctx) => {
  writePlugin(ctx.charmDir, 'first', echoFactory('first'));
  writePlugin(ctx.charmDir, '@scope/second', echoFactory('@scope/second'));
  const builtin: Plugin = { name: 'builtin' };
  const set = await loadPluginSet(config(ctx.charmDir, { plugins: [entry('first', { a: 1 }), entry('@scope/second')] }), ctx.charmDir, { builtins: [builtin] });
  assert.equal(
    set.plugins.map((p) => p.name),
    ['builtin', 'first', '@scope/second'],
  );
  assert.is(set.plugins[0], builtin);
  assert.equal(optionsOf(set.plugins[1]), { a: 1 });
  assert.is(set.runtime, undefined);
});

test('the runtime selected by runtime: is the one returned, with its options, loaded after the listed plugins', async (ctx) => {
  writePlugin(ctx.charmDir, 'pebble', runtimeFactory('pebble'));
  writePlugin(ctx.charmDir, 'extra', echoFactory('extra'));
  const docker = builtinDocker();
  const set = await loadPluginSet(
    config(ctx.charmDir, { runtime: entry('pebble', { socket: '/p.sock' }), plugins: [entry('extra')] }),
    ctx.charmDir,
    docker.sources,
  );
  assert.equal(
    set.plugins.map((p) => p.name),
    ['extra', 'pebble'],
  );
  assert.is(set.runtime, set.plugins[1]!.runtime);
  assert.is(set.runtime?.name, 'pebble-runtime');
  assert.equal(optionsOf(set.plugins[1]), { socket: '/p.sock' });
  // Lucky's own runtime is not imported when another one is selected.
  assert.is(docker.imports, 0);
});

test('a built-in runtime is imported only when selected', async (ctx) => {
  const unused = builtinDocker();
  await loadPluginSet(config(ctx.charmDir, {}), ctx.charmDir, unused.sources);
  assert.is(unused.imports, 0);

  const used = builtinDocker();
  const set = await loadPluginSet(config(ctx.charmDir, { runtime: entry('docker', { stopTimeout: 2 }) }), ctx.charmDir, used.sources);
  assert.is(used.imports, 1);
  assert.is(set.runtime?.name, 'docker');
  assert.equal(optionsOf(set.plugins.at(-1)), { stopTimeout: 2 });
});

test('a runtime also listed under plugins is loaded once, with the options given in either place', async (ctx) => {
  const docker = builtinDocker();
  const set = await loadPluginSet(
    config(ctx.charmDir, { runtime: entry('docker'), plugins: [entry('docker', { stopTimeout: 5 })] }),
    ctx.charmDir,
    docker.sources,
  );
  assert.is(docker.imports, 1);
  assert.equal(
    set.plugins.map((p) => p.name),
    ['@lucky/plugin-docker'],
  );
  assert.equal(optionsOf(set.plugins[0]), { stopTimeout: 5 });
  assert.is(set.runtime, set.plugins[0]!.runtime);

  const other = builtinDocker();
  const fromRuntime = await loadPluginSet(
    config(ctx.charmDir, { runtime: entry('docker', { stopTimeout: 7 }), plugins: [entry('docker')] }),
    ctx.charmDir,
    other.sources,
  );
  assert.is(other.imports, 1);
  assert.equal(optionsOf(fromRuntime.plugins[0]), { stopTimeout: 7 });
});

test('a listed plugin that provides a runtime but is not selected is an error naming it', async (ctx) => {
  writePlugin(ctx.charmDir, 'pebble', runtimeFactory('pebble'));
  const none = await rejection(loadPluginSet(config(ctx.charmDir, { plugins: [entry('pebble')] }), ctx.charmDir, { builtins: [] }));
  assert.ok(isLuckyError(none));
  assert.is(none.code, ErrorCode.PluginFailed);
  assert.match(none.message, 'the plugin pebble provides a container runtime, but no runtime is selected');
  assert.match(none.message, 'select it with "runtime: pebble"');

  const other = await rejection(
    loadPluginSet(config(ctx.charmDir, { runtime: entry('docker'), plugins: [entry('pebble')] }), ctx.charmDir, builtinDocker().sources),
  );
  assert.match(other.message, 'the plugin pebble provides a container runtime, but "runtime: docker" selects another');
});

test('runtime: naming a plugin without a runtime is an error', async (ctx) => {
  writePlugin(ctx.charmDir, 'plain', echoFactory('plain'));
  const error = await rejection(loadPluginSet(config(ctx.charmDir, { runtime: entry('plain') }), ctx.charmDir, { builtins: [] }));
  assert.ok(isLuckyError(error));
  assert.is(error.code, ErrorCode.PluginFailed);
  assert.match(error.message, '"runtime: plain" selects the plugin plain, which provides no container runtime');
});

test('options both under runtime: and under plugins: are an error', async (ctx) => {
  const error = await rejection(
    loadPluginSet(config(ctx.charmDir, { runtime: entry('docker', { a: 1 }), plugins: [entry('docker', { b: 2 })] }), ctx.charmDir, builtinDocker().sources),
  );
  assert.ok(isLuckyError(error));
  assert.is(error.code, ErrorCode.ConfigInvalid);
  assert.match(error.message, '"docker" gets options both under runtime: and under plugins:');
});

test('two charm plugins claiming the same script kind is an error naming both', async (ctx) => {
  writePlugin(ctx.charmDir, 'runner-a', runnerFactory('runner-a'));
  writePlugin(ctx.charmDir, 'runner-b', runnerFactory('runner-b'));
  const error = await rejection(loadPluginSet(config(ctx.charmDir, { plugins: [entry('runner-a'), entry('runner-b')] }), ctx.charmDir, { builtins: [] }));
  assert.ok(isLuckyError(error));
  assert.is(error.message, 'The plugins runner-a and runner-b both run "host-script" entries; keep one of them.');
});

test('a charm plugin replaces a built-in runner for its kinds only', async (ctx) => {
  writePlugin(ctx.charmDir, 'runner-a', runnerFactory('runner-a'));
  const builtinRunner: ScriptRunner = { kinds: ['host-script', 'inline-host-script'], run: async () => undefined };
  const sources: PluginSources = { builtins: [{ name: 'host-runners', runners: [builtinRunner] }] };
  const set = await loadPluginSet(config(ctx.charmDir, { plugins: [entry('runner-a')] }), ctx.charmDir, sources);
  const charmRunner = set.plugins.find((p) => p.name === 'runner-a')!.runners![0];
  assert.ok(charmRunner);
  assert.is(set.runners.get('host-script'), charmRunner);
  assert.is(set.runners.get('inline-host-script'), builtinRunner);
  assert.is(set.runners.get('container-script'), undefined);
});

test('a plugin loaded twice is an error', async (ctx) => {
  writePlugin(ctx.charmDir, 'twice', echoFactory('twice'));
  const listedTwice = await rejection(loadPluginSet(config(ctx.charmDir, { plugins: [entry('twice'), entry('twice')] }), ctx.charmDir, { builtins: [] }));
  assert.ok(isLuckyError(listedTwice));
  assert.match(listedTwice.message, 'the plugin twice is loaded twice; list it once');

  // A charm plugin taking a built-in's name is the same conflict.
  const clash = await rejection(loadPluginSet(config(ctx.charmDir, { plugins: [entry('twice')] }), ctx.charmDir, { builtins: [{ name: 'twice' }] }));
  assert.match(clash.message, 'the plugin twice is loaded twice');
});

test('a plugin that is not installed gives "Cannot find the plugin"', async (ctx) => {
  const error = await rejection(loadPluginSet(config(ctx.charmDir, { plugins: [entry('not-installed')] }), ctx.charmDir, { builtins: [] }));
  assert.ok(isLuckyError(error));
  assert.is(error.code, ErrorCode.PluginFailed);
  assert.match(error.message, `Cannot find the plugin "not-installed" listed in lucky.yaml from ${ctx.charmDir}`);
  assert.match(error.message, 'npm install not-installed');
});

test('a factory that throws gives "failed to start" with the reason', async (ctx) => {
  writePlugin(ctx.charmDir, 'thrower', `() => { throw new Error('missing option "token"'); }`);
  const error = await rejection(loadPlugin(ctx.charmDir, entry('thrower')));
  assert.ok(isLuckyError(error));
  assert.is(error.code, ErrorCode.PluginFailed);
  assert.match(error.message, /^The plugin "thrower" \(.+thrower\/index\.js\) failed to start: missing option "token"$/);
});

test('a module that cannot be imported gives "failed to load"', async (ctx) => {
  writePlugin(ctx.charmDir, 'broken', `(( =>`);
  const error = await rejection(loadPlugin(ctx.charmDir, entry('broken')));
  assert.ok(isLuckyError(error));
  assert.match(error.message, /^The plugin "broken" \(.+broken\/index\.js\) failed to load: /);
});

test('a factory that returns no named object is refused', async (ctx) => {
  writePlugin(ctx.charmDir, 'nameless', `() => ({ hooks: {} })`);
  const error = await rejection(loadPlugin(ctx.charmDir, entry('nameless')));
  assert.ok(isLuckyError(error));
  assert.match(error.message, 'must default-export a factory returning an object with a string "name"');
});

test.run();
