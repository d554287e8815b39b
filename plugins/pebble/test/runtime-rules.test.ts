// What the Pebble runtime accepts and refuses before anything reaches Pebble:
// metadata, container keys, images, volumes, ports and networks; the layer it
// writes and the command quoting. No containers here (see runtime.test.ts).
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ContainerDefinition } from '@lucky/core';
import { createPluginTestContext, type PluginTestContext } from '@lucky/core/testing';
import { removeDir, tempDir, writeCharm } from '@lucky/test-utils';
import pebblePlugin, { PebbleRuntime, quoteWord, serviceCommand } from '../src/index.js';
import { serviceSpec } from '../src/runtime/layer.js';

interface Ctx {
  dir: string;
  runtime: PebbleRuntime;
  one: PluginTestContext;
  two: PluginTestContext;
  none: PluginTestContext;
}

const test = suite<Ctx>('pebble runtime: the rules of Kubernetes, before Pebble');

const TWO_CONTAINERS = `
name: web
containers:
  app:
    resource: app-image
    mounts:
      - storage: data
        location: /srv/data
      - storage: logs
  side:
    resource: side-image
resources:
  app-image: {type: oci-image}
  side-image: {type: oci-image}
storage:
  data: {type: filesystem}
  logs: {type: filesystem, location: /var/log/app}
`;

function definition(changes: Partial<ContainerDefinition> = {}): ContainerDefinition {
  return { image: 'app-image', pull: true, env: {}, entrypoint: null, command: ['app'], volumes: {}, ports: [], network: null, ...changes };
}

async function context(ctx: Ctx, name: string, files: Record<string, string>): Promise<PluginTestContext> {
  const dir = join(ctx.dir, name);
  await writeCharm(join(dir, 'charm'), files);
  return createPluginTestContext({ unit: `${name}/0`, dir, runtime: ctx.runtime });
}

function refusal(work: () => unknown): Error {
  try {
    work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a refusal');
}

test.before(async (ctx) => {
  ctx.dir = await tempDir('lucky-pebble-rules-');
  ctx.runtime = new PebbleRuntime();
  ctx.two = await context(ctx, 'two', { 'metadata.yaml': TWO_CONTAINERS });
  ctx.one = await context(ctx, 'one', {
    'charmcraft.yaml': 'name: one\ncontainers:\n  only:\n    resource: only-image\nresources:\n  only-image: {type: oci-image}\n',
  });
  ctx.none = await context(ctx, 'none', { 'metadata.yaml': 'name: machine\n' });
});

test.after(async (ctx) => {
  await removeDir(ctx.dir);
});

test('a charm without containers: is refused, naming metadata.yaml', async (ctx) => {
  const error = refusal(() => ctx.runtime.metadata(ctx.none));
  assert.match(error.message, '"runtime: pebble" is for Kubernetes sidecar charms');
  assert.match(error.message, join(ctx.none.charmDir, 'metadata.yaml'));
  assert.match(error.message, 'declares no containers:');
  // Every hook says so, before anything else runs.
  const plugin = pebblePlugin();
  const hookError = await plugin.hooks!.beforeHook!(ctx.none.currentHook()!, ctx.none)?.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  assert.match(hookError?.message ?? '', 'declares no containers:');
});

test('the default container is the only one; with several it must be named', (ctx) => {
  ctx.runtime.checkImage('', 'only-image', ctx.one);
  const ambiguous = refusal(() => ctx.runtime.checkImage('', 'app-image', ctx.two));
  assert.match(ambiguous.message, 'The default container is ambiguous');
  assert.match(ambiguous.message, 'app, side');
  const unknown = refusal(() => ctx.runtime.checkImage('db', 'app-image', ctx.two));
  assert.match(unknown.message, 'There is no container "db"');
});

test("image set: only the container's OCI resource, by name or as resource:<name>", (ctx) => {
  ctx.runtime.checkImage('app', 'app-image', ctx.two);
  ctx.runtime.checkImage('side', 'resource:side-image', ctx.two);
  const other = refusal(() => ctx.runtime.checkImage('app', 'nginx:1.27', ctx.two));
  assert.match(other.message, 'Cannot set the image of container "app" to "nginx:1.27"');
  assert.match(other.message, 'OCI image resource "app-image"');
  assert.match(other.message, 'lucky container image set app-image -c app');
  // Another container's resource is not this one's.
  assert.match(refusal(() => ctx.runtime.checkImage('app', 'side-image', ctx.two)).message, 'resource "app-image"');
});

test('volumes: exactly the storage mounts of the metadata, at their locations', (ctx) => {
  ctx.runtime.checkDefinition('app', definition({ volumes: { '/srv/data': 'data', '/var/log/app': 'logs' } }), ctx.two);
  const foreign = refusal(() => ctx.runtime.checkDefinition('app', definition({ volumes: { '/cache': 'cache' } }), ctx.two));
  assert.match(foreign.message, 'Cannot mount "cache" at /cache in container "app"');
  assert.match(foreign.message, 'containers.app.mounts: data at /srv/data, logs at /var/log/app');
  assert.match(refusal(() => ctx.runtime.checkDefinition('app', definition({ volumes: { '/elsewhere': 'data' } }), ctx.two)).message, 'Cannot mount "data"');
  assert.match(refusal(() => ctx.runtime.checkDefinition('app', definition({ volumes: { '/srv/data': '/host/path' } }), ctx.two)).message, 'Cannot mount');
  assert.match(refusal(() => ctx.runtime.checkDefinition('side', definition({ volumes: { '/srv/data': 'data' } }), ctx.two)).message, 'is empty');
});

test("ports keep their number; networks are the pod's", (ctx) => {
  ctx.runtime.checkDefinition('app', definition({ ports: [{ hostPort: 80, containerPort: 80, protocol: 'tcp' }] }), ctx.two);
  const remapped = refusal(() => ctx.runtime.checkDefinition('app', definition({ ports: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] }), ctx.two));
  assert.match(remapped.message, 'the port binding 8080:80/tcp maps to another port');
  assert.match(remapped.message, 'use 80:80/tcp');
  const network = refusal(() => ctx.runtime.checkDefinition('app', definition({ network: 'host' }), ctx.two));
  assert.match(network.message, "shares the pod's network");
});

test('the service command: entrypoint then command, quoted so that Pebble splits it back', () => {
  assert.is(quoteWord('plain-word_1.0/x:y=z,@%+'), 'plain-word_1.0/x:y=z,@%+');
  assert.is(quoteWord('two words'), "'two words'");
  assert.is(quoteWord("it's"), "'it'\\''s'");
  assert.is(quoteWord(''), "''");
  assert.is(quoteWord('$HOME "x" \\n'), `'$HOME "x" \\n'`);
  assert.is(serviceCommand('', definition({ entrypoint: '/bin/sh', command: ['-c', 'echo "$A" > /x'] })), `/bin/sh -c 'echo "$A" > /x'`);
  assert.is(serviceCommand('app', definition({ entrypoint: '/usr/bin/app', command: null })), '/usr/bin/app');
  assert.match(refusal(() => serviceCommand('app', definition({ entrypoint: null, command: null }))).message, 'has no command');
  assert.match(refusal(() => serviceCommand('app', definition({ command: ['app', '['] }))).message, 'cannot pass the argument "["');
});

test('the service: replaced whole, enabled, with the client variables and the kit on PATH', () => {
  const spec = serviceSpec('app', definition({ env: { GREETING: 'hi' } }), { LUCKY_DAEMON_SOCKET: '/charm/container/lucky/daemon.sock' });
  assert.equal(spec, {
    override: 'replace',
    summary: 'Lucky container definition',
    command: 'app',
    startup: 'enabled',
    environment: {
      GREETING: 'hi',
      LUCKY_DAEMON_SOCKET: '/charm/container/lucky/daemon.sock',
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/charm/container/lucky/bin',
    },
  });
  assert.is(serviceSpec('app', definition({ env: { PATH: '/opt/app/bin' } }), {}).environment?.PATH, '/opt/app/bin:/charm/container/lucky/bin');
});

test('unknown options of the runtime are refused', () => {
  assert.throws(() => pebblePlugin({ containersDir: 'relative' }), /containersDir must be an absolute path/);
  assert.throws(() => pebblePlugin({ socket: '/x' } as never), /known: containersDir/);
});

test.run();
