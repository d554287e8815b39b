import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseLuckyConfig } from '../src/config/load.js';
import { isLuckyError } from '../src/errors.js';

const corpus = fileURLToPath(new URL('./fixtures/broken-lucky-yaml/', import.meta.url));

/** Each broken file, and the line, column, key path and reason its one message must name. */
const EXPECTED: Record<string, { line: number; col: number; path: string; reason: RegExp }> = {
  'unknown-top-key.yaml': { line: 4, col: 1, path: 'use_docker', reason: /unknown key "use_docker"; allowed here: use-docker, hooks/ },
  'unknown-entry-key.yaml': { line: 4, col: 7, path: 'hooks.install.0.argz', reason: /unknown key "argz"; allowed here: host-script, args, async/ },
  'wrong-type.yaml': { line: 5, col: 14, path: 'hooks.install.0.async', reason: /async must be true or false/ },
  'wrong-args-type.yaml': { line: 4, col: 14, path: 'hooks.config-changed.0.args.0', reason: /each argument must be a string/ },
  'bad-cron.yaml': { line: 3, col: 3, path: 'cron-jobs.*/5 * * * *', reason: /bad cron expression "\*\/5 \* \* \* \*": expected 6 or 7 fields/ },
  'missing-script.yaml': { line: 4, col: 20, path: 'hooks.install.1.host-script', reason: /the script host_scripts\/does-not-exist\.sh does not exist/ },
  'empty.yaml': { line: 1, col: 1, path: '(root)', reason: /the file is empty/ },
  'tabs.yaml': { line: 3, col: 1, path: '(yaml)', reason: /[Tt]ab/ },
  'no-shape.yaml': { line: 3, col: 7, path: 'hooks.start.0', reason: /needs exactly one of host-script, inline-host-script, container-script, inline-container-script/ },
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
  const files = readdirSync(corpus).filter((name) => name.endsWith('.yaml')).sort();
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
  assert.equal(install.map((entry) => entry.kind), ['host-script', 'inline-host-script', 'container-script', 'inline-container-script']);
  assert.equal(install[0]?.spec, { 'host-script': 'ok.sh', args: ['a', 'b'], async: false });
  assert.equal(install[1]?.spec, { 'inline-host-script': 'echo hi', 'shell-command': ['/bin/bash', '-c'], async: true });
  assert.equal(config.hooks.stop, []);
  assert.equal(config.cronJobs.map((job) => job.schedule), ['0 0 0 * * *']);
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
  assert.throws(() => parseLuckyConfig('runtime: 3\nhooks: {}\n', 'lucky.yaml', corpus), /lucky\.yaml:1:10: runtime: a runtime is "docker", a plugin package name, or \[name, \{options\}\]/);
});

valid.run();
