import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_LUCKY_YAML_BYTES, loadLuckyConfig, parseLuckyConfig } from '../src/config/load.js';
import { isLuckyError } from '../src/errors.js';

const corpus = fileURLToPath(new URL('./fixtures/broken-lucky-yaml/', import.meta.url));

/** Each broken file, and the line, column, key path and reason its one message must name. */
const EXPECTED: Record<string, { line: number; col: number; path: string; reason: RegExp }> = {
  'unknown-top-key.yaml': { line: 4, col: 1, path: 'use_docker', reason: /unknown key "use_docker"; allowed here: use-docker, hooks/ },
  'unknown-entry-key.yaml': { line: 4, col: 7, path: 'hooks.install.0.argz', reason: /unknown key "argz"; allowed here: host-script, args, async/ },
  'wrong-type.yaml': { line: 5, col: 14, path: 'hooks.install.0.async', reason: /async must be true or false/ },
  'wrong-args-type.yaml': { line: 4, col: 14, path: 'hooks.config-changed.0.args.0', reason: /each argument must be a string/ },
  'bad-cron.yaml': { line: 3, col: 3, path: 'cron-jobs.*/5 * * *', reason: /bad cron expression "\*\/5 \* \* \*": expected 6 or 7 fields/ },
  'missing-script.yaml': { line: 4, col: 20, path: 'hooks.install.1.host-script', reason: /the script host_scripts\/does-not-exist\.sh does not exist/ },
  'empty.yaml': { line: 1, col: 1, path: '(root)', reason: /the file is empty/ },
  'tabs.yaml': { line: 3, col: 1, path: '(yaml)', reason: /[Tt]ab/ },
  'no-shape.yaml': {
    line: 3,
    col: 7,
    path: 'hooks.start.0',
    reason: /needs exactly one of host-script, inline-host-script, container-script, inline-container-script/,
  },
  'two-shapes.yaml': { line: 3, col: 7, path: 'hooks.start.0', reason: /only one of host-script, inline-host-script/ },
  'hooks-not-map.yaml': { line: 2, col: 3, path: 'hooks', reason: /hooks must map hook names/ },
};

function load(name: string): unknown {
  const file = join(corpus, name);
  try {
    parseLuckyConfig(readFileSync(file, 'utf8'), file, corpus);
  } catch (error) {
    return error;
  }
  return undefined;
}

// ---

const broken = suite('lucky.yaml: broken files');

broken('the corpus holds exactly the files listed here', () => {
  const files = readdirSync(corpus)
    .filter((name) => name.endsWith('.yaml'))
    .sort();
  assert.equal(files, Object.keys(EXPECTED).sort());
});

for (const [name, expected] of Object.entries(EXPECTED)) {
  broken(`${name} gives one message with file, line, column and key path`, () => {
    const error = load(name);
    assert.ok(isLuckyError(error), `expected a LuckyError for ${name}`);
    const message = (error as Error).message;
    assert.not.match(message, /\n/, `one line only, got:\n${message}`);
    const prefix = `${join(corpus, name)}:${expected.line}:${expected.col}: ${expected.path}: `;
    assert.ok(message.startsWith(prefix), `expected it to start with\n  ${prefix}\ngot\n  ${message}`);
    assert.match(message, expected.reason);
  });
}

broken.run();

// ---

const valid = suite('lucky.yaml: valid files');

valid('parses every script shape with Lucky defaults', () => {
  const source = [
    'use-docker: false',
    'hooks:',
    '  install:',
    '    - host-script: ok.sh',
    '      args: ["a", "b"]',
    '    - inline-host-script: echo hi',
    '      async: true',
    '    - container-script: setup.sh',
    '      ignore-missing-container: true',
    '    - inline-container-script: echo in',
    '      container-name: web',
    '  stop:',
    'cron-jobs:',
    '  "0 0 0 * * *":',
    '    - inline-host-script: date',
  ].join('\n');
  const config = parseLuckyConfig(source, 'lucky.yaml', fileURLToPath(new URL('./fixtures/valid-charm/', import.meta.url)));
  assert.is(config.runtime, undefined);
  const install = config.hooks.install ?? [];
  assert.equal(
    install.map((entry) => entry.kind),
    ['host-script', 'inline-host-script', 'container-script', 'inline-container-script'],
  );
  assert.equal(install[0]?.spec, { 'host-script': 'ok.sh', args: ['a', 'b'], async: false });
  assert.equal(install[1]?.spec, { 'inline-host-script': 'echo hi', 'shell-command': ['/bin/bash', '-c'], async: true });
  assert.equal(config.hooks.stop, []);
  assert.equal(
    config.cronJobs.map((job) => job.schedule),
    ['0 0 0 * * *'],
  );
});

valid('collects several problems into one error, one line each', () => {
  const source = 'hooks:\n  install:\n    - host-script: a.sh\n      bogus: 1\n    - inline-host-script: 3\n';
  try {
    parseLuckyConfig(source, 'lucky.yaml', corpus);
    assert.unreachable('should have thrown');
  } catch (error) {
    const lines = (error as Error).message.split('\n');
    assert.is(lines[0], 'lucky.yaml has 2 problems:');
    assert.match(lines[1] ?? '', /^lucky\.yaml:4:7: hooks\.install\.0\.bogus: unknown key "bogus"/);
    assert.match(lines[2] ?? '', /^lucky\.yaml:5:27: hooks\.install\.1\.inline-host-script: the inline script must be a string/);
  }
});

valid('runtime: docker by default and for use-docker: true, a plugin by name, none for use-docker: false', () => {
  const parse = (source: string) => parseLuckyConfig(source, 'lucky.yaml', corpus).runtime;
  assert.equal(parse('hooks: {}\n'), { specifier: 'docker', options: undefined });
  assert.equal(parse('use-docker: true\nhooks: {}\n'), { specifier: 'docker', options: undefined });
  assert.equal(parse('use-docker: true\nruntime: docker\nhooks: {}\n'), { specifier: 'docker', options: undefined });
  assert.is(parse('use-docker: false\nhooks: {}\n'), undefined);
  assert.equal(parse('runtime: lucky-runtime-podman\nhooks: {}\n'), { specifier: 'lucky-runtime-podman', options: undefined });
  assert.equal(parse('runtime: [lucky-runtime-podman, { rootless: true }]\nhooks: {}\n'), { specifier: 'lucky-runtime-podman', options: { rootless: true } });
});

valid('a runtime that contradicts use-docker is an error at its position', () => {
  assert.throws(
    () => parseLuckyConfig('use-docker: false\nruntime: docker\nhooks: {}\n', 'lucky.yaml', corpus),
    /^lucky\.yaml:2:10: runtime: "use-docker: false" says this charm manages no containers, but "runtime: docker" selects a container runtime; remove one of them$/,
  );
  assert.throws(
    () => parseLuckyConfig('use-docker: true\nruntime: lucky-runtime-podman\nhooks: {}\n', 'lucky.yaml', corpus),
    /^lucky\.yaml:2:10: runtime: "use-docker: true" selects the docker runtime, but "runtime: lucky-runtime-podman" selects another; a unit has exactly one runtime, so remove "use-docker"$/,
  );
  assert.throws(
    () => parseLuckyConfig('runtime: 3\nhooks: {}\n', 'lucky.yaml', corpus),
    /lucky\.yaml:1:10: runtime: a runtime is "docker", a plugin package name, or \[name, \{options\}\]/,
  );
});

valid('a script entry must name a file inside the charm: no "..", no absolute path, no link out', async () => {
  const { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'lucky-paths-'));
  try {
    const charm = join(dir, 'charm');
    mkdirSync(join(charm, 'host_scripts'), { recursive: true });
    writeFileSync(join(dir, 'outside.sh'), '#!/bin/sh\n');
    symlinkSync(join(dir, 'outside.sh'), join(charm, 'host_scripts', 'linked.sh'));
    writeFileSync(join(charm, 'host_scripts', 'ok.sh'), '#!/bin/sh\n');
    symlinkSync('ok.sh', join(charm, 'host_scripts', 'alias.sh'));
    const parse = (name: string) => () => parseLuckyConfig(`hooks:\n  install:\n    - host-script: ${name}\n`, 'lucky.yaml', charm);
    assert.throws(
      parse('../../outside.sh'),
      /lucky\.yaml:3:20: hooks\.install\.0\.host-script: the script \.\.\/\.\.\/outside\.sh must be a path inside host_scripts\/ \(no absolute path, no "\.\."\)/,
    );
    assert.throws(parse('/etc/passwd'), /must be a path inside host_scripts\//);
    assert.throws(parse('linked.sh'), /the script host_scripts\/linked\.sh is a link out of the charm \(to .*outside\.sh\); copy the script into the charm/);
    assert.is(parse('alias.sh')().hooks.install?.length, 1);
    assert.throws(
      () => parseLuckyConfig('hooks:\n  install:\n    - container-script: ../x.sh\n', 'lucky.yaml', charm),
      /the script \.\.\/x\.sh must be a path inside container_scripts\//,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

valid.run();

// ---

const large = suite('lucky.yaml: large and oversized files');

/** A generated lucky.yaml of about `bytes`: hook after hook, each with three inline entries. */
function generated(bytes: number): { source: string; hooks: number } {
  const parts = ['use-docker: false\nhooks:\n'];
  let size = parts[0]!.length;
  let hooks = 0;
  while (size < bytes) {
    const part = `  hook-${hooks}:\n    - inline-host-script: echo one ${hooks}\n    - inline-host-script: echo two\n      async: true\n    - inline-host-script: lucky set-status active\n`;
    parts.push(part);
    size += part.length;
    hooks++;
  }
  return { source: parts.join(''), hooks };
}

large('a generated 3 MB lucky.yaml loads completely (linear, not quadratic, in the number of hooks)', () => {
  const { source, hooks } = generated(3 * 1024 * 1024);
  const started = performance.now();
  const config = parseLuckyConfig(source, 'lucky.yaml', corpus);
  const ms = performance.now() - started;
  console.log(`  lucky.yaml of ${(source.length / (1024 * 1024)).toFixed(1)} MB with ${hooks} hooks loaded in ${ms.toFixed(0)} ms`);
  const names = Object.keys(config.hooks);
  assert.is(names.length, hooks);
  assert.is(names[0], 'hook-0');
  assert.is(names.at(-1), `hook-${hooks - 1}`);
  const last = config.hooks[`hook-${hooks - 1}`] ?? [];
  assert.equal(
    last.map((entry) => entry.kind),
    ['inline-host-script', 'inline-host-script', 'inline-host-script'],
  );
  assert.equal(last[0]?.spec, { 'inline-host-script': `echo one ${hooks - 1}`, 'shell-command': ['/bin/bash', '-c'], async: false });
  assert.is(last[1]?.spec.async, true);
});

large('a repeated key is accepted at any depth, the last one counts, and each repeat is a warning with both positions', () => {
  const hooks = parseLuckyConfig('hooks:\n  a: []\n  b: []\n  a:\n    - inline-host-script: echo last\n', 'lucky.yaml', corpus);
  assert.equal(Object.keys(hooks.hooks), ['a', 'b']);
  assert.is(hooks.hooks.a?.[0]?.spec['inline-host-script' as never], 'echo last');
  assert.equal(hooks.warnings, [
    'lucky.yaml:4:3: hooks.a: the key "a" is repeated (first at lucky.yaml:2:3); as with the original Lucky, this last one is used and the earlier one is ignored: remove one of them',
  ]);
  const flow = parseLuckyConfig('hooks: {x: [], x: []}\n', 'lucky.yaml', corpus);
  assert.match(flow.warnings?.[0] ?? '', /^lucky\.yaml:1:16: hooks\.x: the key "x" is repeated \(first at lucky\.yaml:1:9\)/);
  const entry = parseLuckyConfig('hooks:\n  a:\n    - inline-host-script: x\n      inline-host-script: y\n', 'lucky.yaml', corpus);
  assert.is(entry.hooks.a?.[0]?.spec['inline-host-script' as never], 'y');
  assert.match(
    entry.warnings?.[0] ?? '',
    /^lucky\.yaml:4:7: hooks\.a\.0\.inline-host-script: the key "inline-host-script" is repeated \(first at lucky\.yaml:3:7\)/,
  );
  assert.equal(parseLuckyConfig('hooks:\n  a: []\n', 'lucky.yaml', corpus).warnings, []);
});

large('a problem in a repeated key is reported at the occurrence that counts', () => {
  assert.throws(
    () => parseLuckyConfig('hooks:\n  a:\n    - inline-host-script: x\n  a:\n    - inline-host-script: y\n      async: maybe\n', 'lucky.yaml', corpus),
    /^lucky\.yaml:6:14: hooks\.a\.0\.async: async must be true or false$/,
  );
});

large('thousands of problems: the error counts them all and lists the first 50', () => {
  const source = `hooks:\n${Array.from({ length: 2000 }, (_, i) => `  h${i}:\n    - host-script: missing-${i}.sh\n`).join('')}`;
  let error: unknown;
  try {
    parseLuckyConfig(source, 'lucky.yaml', corpus);
  } catch (caught) {
    error = caught;
  }
  assert.ok(isLuckyError(error));
  const lines = error.message.split('\n');
  assert.is(lines[0], 'lucky.yaml has 2000 problems:');
  assert.is(lines.length, 52);
  assert.is(lines[1], 'lucky.yaml:3:20: hooks.h0.0.host-script: the script host_scripts/missing-0.sh does not exist in the charm directory');
  assert.is(lines[51], '(1950 more problems not shown)');
});

large('a lucky.yaml over 8 MiB is refused before it is parsed (or read)', () => {
  const source = `hooks:\n  install:\n    - inline-host-script: "${'x'.repeat(MAX_LUCKY_YAML_BYTES)}"\n`;
  assert.throws(
    () => parseLuckyConfig(source, '/charm/lucky.yaml', corpus),
    /^\/charm\/lucky\.yaml is 8\.0 MiB, over Lucky's limit of 8\.0 MiB for lucky\.yaml; move long scripts into host_scripts\/ or container_scripts\//,
  );
  // Multi-byte text counts in bytes: 3 MiB of characters, 9 MiB of UTF-8.
  assert.throws(() => parseLuckyConfig(`# ${'€'.repeat(3 * 1024 * 1024)}\nhooks: {}\n`, 'lucky.yaml', corpus), /lucky\.yaml is 9\.0 MiB, over Lucky's limit/);
  const dir = mkdtempSync(join(tmpdir(), 'lucky-config-'));
  try {
    writeFileSync(join(dir, 'lucky.yaml'), source);
    let error: unknown;
    try {
      loadLuckyConfig(dir);
    } catch (caught) {
      error = caught;
    }
    assert.ok(isLuckyError(error));
    assert.match(error.message, `${join(dir, 'lucky.yaml')} is 8.0 MiB, over Lucky's limit of 8.0 MiB`);
    assert.equal(error.data, { file: join(dir, 'lucky.yaml'), bytes: source.length, limit: MAX_LUCKY_YAML_BYTES });
    // The same place with an ordinary file loads.
    writeFileSync(join(dir, 'lucky.yaml'), 'hooks:\n  install: []\n');
    assert.equal(Object.keys(loadLuckyConfig(dir).hooks), ['install']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

large.run();
