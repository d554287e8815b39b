import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LineCounter, parseDocument } from 'yaml';
import { duplicateKeys, duplicateKeyWarnings } from '../src/config/duplicate-keys.js';
import { goYamlV2Plain } from '../src/config/go-values.js';
import { parseOptionString, readConfigOptions } from '../src/config/juju-config.js';

function read(text: string, at: string[] = []) {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false });
  return readConfigOptions(doc, counter, 'config.yaml', at);
}

// ---

const scalars = suite('go-yaml v2: what Juju reads an unquoted scalar as');

const PLAIN: ReadonlyArray<[string, unknown]> = [
  ['yes', true],
  ['On', true],
  ['y', true],
  ['OFF', false],
  ['n', false],
  ['tRUE', 'tRUE'],
  ['~', null],
  ['', null],
  ['0777', 511n],
  ['0o17', 15n],
  ['0x1F', 31n],
  ['-0b11', -3n],
  ['1_000', 1000n],
  ['+12', 12n],
  ['08', 8],
  ['1e3', 1000],
  ['.5', 0.5],
  ['1.0', 1],
  ['.inf', Infinity],
  ['2001-12-14', '2001-12-14'],
  ['8080/tcp', '8080/tcp'],
];

for (const [text, expected] of PLAIN) {
  scalars(`${JSON.stringify(text)} → ${typeof expected === 'bigint' ? `${expected}n` : JSON.stringify(expected)}`, () => {
    const value = goYamlV2Plain(text);
    if (expected === null) assert.is(value.kind, 'null');
    else if (typeof expected === 'bigint') assert.equal(value, { kind: 'int', value: expected });
    else if (typeof expected === 'number') assert.equal(value, { kind: 'float', value: expected });
    else if (typeof expected === 'boolean') assert.equal(value, { kind: 'bool', value: expected });
    else assert.equal(value, { kind: 'string', value: expected });
  });
}

scalars('an integer above int64 is a uint64, which an int option refuses', () => {
  assert.equal(goYamlV2Plain('9223372036854775808'), { kind: 'uint', value: 9223372036854775808n });
  assert.match(
    read('options:\n  n:\n    type: int\n    default: 9223372036854775808\n').problems[0] ?? '',
    /^config\.yaml:4:14: options\.n\.default: Juju refuses/,
  );
});

scalars.run();

// ---

const defaults = suite("config.yaml defaults: what Juju's ReadConfig coerces is a warning, what it refuses a problem, at the position");

defaults('strings Juju converts (boolean, int with Go prefixes) become typed defaults with a warning saying what to write', () => {
  const report = read(
    [
      'options:',
      '  debug:',
      '    type: boolean',
      '    default: "false"',
      '  port:',
      '    type: int',
      "    default: '8080'",
      '  mask:',
      '    type: int',
      '    default: "0x10"',
    ].join('\n'),
  );
  assert.equal(report.problems, []);
  assert.equal(report.options, { debug: { type: 'boolean', default: false }, port: { type: 'int', default: 8080 }, mask: { type: 'int', default: 16 } });
  assert.equal(report.warnings, [
    'config.yaml:4:14: options.debug.default: "false" is a string; Juju reads it as the boolean false: write false without quotes',
    'config.yaml:7:14: options.port.default: "8080" is a string; Juju reads it as the int 8080: write 8080 without quotes',
    'config.yaml:10:14: options.mask.default: "0x10" is a string; Juju reads it as the int 16: write 16 without quotes',
  ]);
});

defaults('what Juju refuses stays refused, each at its default: float from a string or an int, int from a float, a bare yes for a string', () => {
  const report = read(
    [
      'options:',
      '  ratio:',
      '    type: float',
      '    default: "0.5"',
      '  scale:',
      '    type: float',
      '    default: 1',
      '  count:',
      '    type: int',
      '    default: 1.0',
      '  mode:',
      '    type: string',
      '    default: yes',
      '  flag:',
      '    type: boolean',
      '    default: "yes"',
      '  empty:',
      '    type: int',
      '    default: ""',
      '  token:',
      '    type: secret',
      '    default: https://example.invalid',
      '  kind:',
      '    type: text',
    ].join('\n'),
  );
  assert.equal(
    report.problems.map((problem) => problem.split(': ').slice(0, 2).join(': ')),
    [
      'config.yaml:4:14: options.ratio.default',
      'config.yaml:7:14: options.scale.default',
      'config.yaml:10:14: options.count.default',
      'config.yaml:13:14: options.mode.default',
      'config.yaml:16:14: options.flag.default',
      'config.yaml:19:14: options.empty.default',
      'config.yaml:22:14: options.token.default',
      'config.yaml:24:11: options.kind.type',
    ],
  );
  assert.match(report.problems[0] ?? '', /Juju does not convert strings for float options: write 0\.5 without quotes$/);
  assert.match(report.problems[1] ?? '', /reads 1 as an int, and a float option's value must be a float: write 1\.0$/);
  assert.match(report.problems[2] ?? '', /reads 1\.0 as a float, not an int; write 1 \(no decimal point\)$/);
  assert.match(report.problems[3] ?? '', /reads yes as a boolean; quote it: "yes"$/);
  assert.match(report.problems[6] ?? '', /the scheme "https"$/);
  assert.equal(Object.keys(report.options ?? {}), []);
});

defaults('no type is a string option (as pyjuju allowed), with a warning; an empty string default of a string option is kept', () => {
  const report = read('options:\n  title:\n    default: hi\n  subtitle:\n    type: string\n    default: ""\n  none:\n    type: int\n    default:\n');
  assert.equal(report.problems, []);
  assert.equal(report.options, { title: { type: 'string', default: 'hi' }, subtitle: { type: 'string', default: '' }, none: { type: 'int' } });
  assert.equal(report.warnings, ['config.yaml:2:3: options.title: the option has no type; Juju takes it as a string option: write "type: string"']);
});

defaults('YAML 1.1 spellings take the value Juju gives them, with a warning naming both readings', () => {
  const report = read('options:\n  on:\n    type: boolean\n    default: on\n  mode:\n    type: int\n    default: 0644\n');
  assert.equal(report.options, { on: { type: 'boolean', default: true }, mode: { type: 'int', default: 420 } });
  assert.equal(report.warnings, [
    `config.yaml:4:14: options.on.default: Juju's YAML reader (YAML 1.1) reads on as true, other YAML readers as "on": write true`,
    `config.yaml:7:14: options.mode.default: Juju's YAML reader (YAML 1.1) reads 0644 as 420, other YAML readers as 644: write 420`,
  ]);
});

defaults('a repeated option: only the last one is read (its coercion is the only warning)', () => {
  const report = read('options:\n  port:\n    type: int\n    default: "1"\n  port:\n    type: int\n    default: 2\n');
  assert.equal(report.options, { port: { type: 'int', default: 2 } });
  assert.equal(report.warnings, []);
});

defaults("charmcraft.yaml's config: is read the same way", () => {
  const report = read('name: x\nconfig:\n  options:\n    debug:\n      type: boolean\n      default: "true"\n', ['config']);
  assert.equal(report.options, { debug: { type: 'boolean', default: true } });
  assert.match(report.warnings[0] ?? '', /^config\.yaml:6:16: config\.options\.debug\.default: "true" is a string/);
});

defaults.run();

// ---

const cli = suite('juju config values (strings from a command line): Go strconv as ParseSettingsStrings uses it');

const STRINGS: ReadonlyArray<[type: 'int' | 'float' | 'boolean' | 'string', text: string, value: unknown]> = [
  ['int', '8080', 8080],
  ['int', '+5', 5],
  ['int', '-0', 0],
  ['int', '0x10', undefined],
  ['int', '1_000', undefined],
  ['int', '1.0', undefined],
  ['int', '', undefined],
  ['float', '1e3', 1000],
  ['float', '2.22', 2.22],
  ['float', '1_000.5', 1000.5],
  ['float', '0x1p-2', 0.25],
  ['float', 'inf', undefined],
  ['float', 'blob', undefined],
  ['boolean', 't', true],
  ['boolean', 'FALSE', false],
  ['boolean', '0', false],
  ['boolean', 'yes', undefined],
  ['string', '', ''],
  ['string', '8080', '8080'],
];

for (const [type, text, value] of STRINGS) {
  cli(`${type} ${JSON.stringify(text)} → ${value === undefined ? 'refused' : JSON.stringify(value)}`, () => {
    const result = parseOptionString(type, text);
    if (value === undefined) assert.is(result.ok, false);
    else assert.equal(result, { ok: true, value });
  });
}

cli.run();

// ---

const dups = suite('repeated keys: every repeat, at any depth, with the path of the one that counts');

dups('nested in mappings and lists, in source order, each naming the earlier occurrence', () => {
  const text = 'a: 1\nb:\n  - x: 1\n    x: 2\n  - y: {z: 1, z: 2}\na: 3\na: 4\n';
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false });
  assert.equal(
    duplicateKeys(doc.contents).map((dup) => [dup.path.join('.'), dup.key]),
    [
      ['b.0.x', 'x'],
      ['b.1.y.z', 'z'],
      ['a', 'a'],
      ['a', 'a'],
    ],
  );
  const warnings = duplicateKeyWarnings(doc, counter, 'm.yaml', 'Juju');
  assert.is(warnings.length, 4);
  assert.ok(warnings[2]?.startsWith('m.yaml:6:1: a: the key "a" is repeated (first at m.yaml:1:1); as with Juju, this last one is used'), warnings[2]);
  assert.ok(warnings[3]?.startsWith('m.yaml:7:1: a: the key "a" is repeated (first at m.yaml:6:1)'), warnings[3]);
  assert.equal(doc.toJS(), { a: 4, b: [{ x: 2 }, { y: { z: 2 } }] });
});

dups('a file without repeats has none', () => {
  assert.equal(duplicateKeys(parseDocument('a: 1\nb: {a: 1}\n', { uniqueKeys: false }).contents), []);
});

dups.run();
