import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mergeParams, parseActionArgs, readParamsFile, validateParams, withDefaults } from '../src/actions/params.js';
import { readActionSpecs, type ActionSpec } from '../src/actions/spec.js';

const ACTIONS = `backup:
  description: Back up.
  params:
    filename:
      type: string
      minLength: 2
      pattern: "^[a-z./-]+$"
    compression:
      type: object
      properties:
        kind:
          type: string
          enum: [gzip, bzip2, xz]
          default: gzip
        quality:
          type: integer
          minimum: 0
          maximum: 9
          default: 5
    ratio:
      type: number
    tags:
      type: array
      items:
        type: string
      maxItems: 2
    verbose:
      type: boolean
      default: false
  required: [filename]
  additionalProperties: false
open:
  params:
    anything:
      type: string
`;

interface Ctx {
  dir: string;
  specs: Record<string, ActionSpec>;
}

const test = suite<Ctx>('action params: juju run arguments, actions.yaml validation, defaults');

test.before(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), 'lucky-testing-params-'));
  await writeFile(join(ctx.dir, 'actions.yaml'), ACTIONS);
  ctx.specs = await readActionSpecs(ctx.dir);
});
test.after(async (ctx) => {
  await rm(ctx.dir, { recursive: true, force: true });
});

function spec(ctx: Ctx, name: string): ActionSpec {
  const found = ctx.specs[name];
  assert.ok(found, name);
  return found;
}

function refusal(ctx: Ctx, name: string, params: Record<string, unknown>): string {
  try {
    validateParams(spec(ctx, name), params);
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
}

test('actions.yaml becomes one JSON schema per action: params are its properties, the other keys schema keywords', (ctx) => {
  const schema = spec(ctx, 'backup').schema;
  assert.is(schema.type, 'object');
  assert.is(schema.title, 'backup');
  assert.is(schema.description, 'Back up.');
  assert.equal(schema.required, ['filename']);
  assert.is(schema.additionalProperties, false);
  assert.equal(Object.keys(schema.properties as object), ['filename', 'compression', 'ratio', 'tags', 'verbose']);
  assert.is(spec(ctx, 'open').description, 'No description');
});

test('key=value arguments are YAML scalars (YAML 1.1 booleans, numbers, null), dotted keys nest; --string-args keeps text', () => {
  assert.equal(parseActionArgs(['filename=out.tar', 'compression.quality=3', 'compression.kind=xz', 'verbose=y', 'ratio=0.5', 'note=', 'day=2024-01-02']), {
    filename: 'out.tar',
    compression: { quality: 3, kind: 'xz' },
    verbose: true,
    ratio: 0.5,
    note: null,
    day: '2024-01-02',
  });
  assert.equal(parseActionArgs(['count=10', 'flag=yes'], true), { count: '10', flag: 'yes' });
  assert.throws(() => parseActionArgs(['novalue']), /^argument "novalue" must be of the form key\.key\.key\.\.\.=value$/);
  assert.throws(
    () => parseActionArgs(['Bad.key=1']),
    /^key "Bad" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric and hyphens$/,
  );
});

test('a params file is read first; arguments override it key by key', async (ctx) => {
  const file = join(ctx.dir, 'params.yaml');
  await writeFile(file, 'filename: from-file\ncompression:\n  kind: bzip2\n  quality: 1\n');
  const merged = mergeParams(await readParamsFile(file), parseActionArgs(['compression.quality=7']));
  assert.equal(merged, { filename: 'from-file', compression: { kind: 'bzip2', quality: 7 } });
  await writeFile(file, '- a list\n');
  try {
    await readParamsFile(file);
    assert.unreachable('a list is not params');
  } catch (error) {
    assert.is((error as Error).message, 'params must contain a YAML map with string keys');
  }
});

test('valid params pass; the defaults are filled in, inside given objects too', (ctx) => {
  const params = { filename: 'out.tar', compression: { kind: 'xz' }, ratio: 2 };
  assert.is(refusal(ctx, 'backup', params), 'accepted');
  assert.equal(withDefaults(spec(ctx, 'backup').schema, params), { filename: 'out.tar', compression: { kind: 'xz', quality: 5 }, ratio: 2, verbose: false });
  assert.equal(withDefaults(spec(ctx, 'backup').schema, { filename: 'x' }), { filename: 'x', verbose: false });
});

test("refusals are worded as Juju's (gojsonschema field: description), joined with '; '", (ctx) => {
  assert.is(refusal(ctx, 'backup', {}), 'validation failed: filename: filename is required');
  assert.is(refusal(ctx, 'backup', { filename: 'ok', extra: 1 }), 'validation failed: extra: Additional property extra is not allowed');
  assert.is(refusal(ctx, 'backup', { filename: 3 }), 'validation failed: filename: Invalid type. Expected: string, given: integer');
  assert.is(refusal(ctx, 'backup', { filename: 'ok', verbose: 'maybe' }), 'validation failed: verbose: Invalid type. Expected: boolean, given: string');
  assert.is(
    refusal(ctx, 'backup', { filename: 'ok', compression: { quality: 1.5 } }),
    'validation failed: compression.quality: Invalid type. Expected: integer, given: number',
  );
  assert.is(
    refusal(ctx, 'backup', { filename: 'ok', compression: { quality: 10 } }),
    'validation failed: compression.quality: Must be less than or equal to 9',
  );
  assert.is(
    refusal(ctx, 'backup', { filename: 'ok', compression: { kind: 'zip' } }),
    'validation failed: compression.kind: compression.kind must be one of the following: "gzip", "bzip2", "xz"',
  );
  assert.is(refusal(ctx, 'backup', { filename: 'x' }), 'validation failed: filename: String length must be greater than or equal to 2');
  assert.is(refusal(ctx, 'backup', { filename: 'UP' }), "validation failed: filename: Does not match pattern '^[a-z./-]+$'");
  assert.is(
    refusal(ctx, 'backup', { filename: 'ok', tags: ['a', 2, 'c'] }),
    'validation failed: tags: Array must have at most 2 items; tags.1: Invalid type. Expected: string, given: integer',
  );
  assert.is(
    refusal(ctx, 'backup', { filename: 'ok', ratio: 'x', extra: true }),
    'validation failed: ratio: Invalid type. Expected: number, given: string; extra: Additional property extra is not allowed',
  );
});

test('without additionalProperties: false, unknown params are accepted (the Juju 3 default)', (ctx) => {
  assert.is(refusal(ctx, 'open', { anything: 'a', other: 1 }), 'accepted');
});

test.run();
