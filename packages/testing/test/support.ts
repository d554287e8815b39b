import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import * as assert from 'uvu/assert';
import { createSimulatedModel, type SimulatedModel } from '../src/index.js';

export interface ToolResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The tool succeeded with exactly this output and nothing on stderr. */
export function ok(result: ToolResult, stdout: string, message?: string): void {
  assert.is(result.stderr, '', message ?? 'no error output');
  assert.is(result.exitCode, 0, message ?? 'exit code');
  assert.is(result.stdout, stdout, message);
}

/** The tool failed with exactly this exit code and stderr, and printed nothing else. */
export function fails(result: ToolResult, exitCode: number, stderr: string): void {
  assert.is(result.stderr, stderr);
  assert.is(result.exitCode, exitCode);
  assert.is(result.stdout, '');
}

/** Runs a generated tool executable as a hook would: only the hook's environment. */
export async function tool(
  model: SimulatedModel,
  env: Readonly<Record<string, string>>,
  name: string,
  args: readonly string[] = [],
  options: { readonly input?: string; readonly cwd?: string } = {},
): Promise<ToolResult> {
  const result = await execa(join(model.toolsDir, name), args, {
    env,
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `lucky-testing-${prefix}-`));
}

/** Writes a charm: metadata, config, and a bash `dispatch` that sources `hook.sh`, so each test scripts the hook. */
export async function writeCharm(dir: string, files: Readonly<Record<string, string>>): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  await writeFile(join(dir, 'dispatch'), '#!/bin/bash\nset -e\nsource "$JUJU_CHARM_DIR/hook.sh"\n');
  await chmod(join(dir, 'dispatch'), 0o755);
  await writeFile(join(dir, 'hook.sh'), 'true\n');
  return dir;
}

/** The hook body the charm's dispatch runs next. */
export async function setHookScript(charmDir: string, script: string): Promise<void> {
  await writeFile(join(charmDir, 'hook.sh'), script);
}

export const WEB_METADATA = `name: web
requires:
  db:
    interface: pgsql
provides:
  website:
    interface: http
peers:
  cluster:
    interface: web-cluster
extra-bindings:
  metrics:
`;

export const WEB_CONFIG = `options:
  port:
    type: int
    default: 8080
  title:
    type: string
    default: "<b>Tom & Jerry</b>"
  debug:
    type: boolean
    default: false
  ratio:
    type: float
    default: 45.0
  token:
    type: string
`;

export const PG_METADATA = `name: pg
provides:
  db:
    interface: pgsql
`;

export interface Fixture {
  readonly root: string;
  readonly model: SimulatedModel;
  readonly webCharm: string;
  /** Relation ids: web:db ↔ pg:db and web's peer relation. */
  readonly db: number;
  readonly cluster: number;
}

/**
 * web (2 units, web/0 leads) related to pg (2 units) on db, plus web's peer relation;
 * every unit has joined, and pg has published data.
 */
export async function makeFixture(prefix: string): Promise<Fixture> {
  const root = await tempDir(prefix);
  const webCharm = await writeCharm(join(root, 'web'), { 'metadata.yaml': WEB_METADATA, 'config.yaml': WEB_CONFIG });
  const pgCharm = await writeCharm(join(root, 'pg'), { 'metadata.yaml': PG_METADATA });
  const model = await createSimulatedModel(join(root, 'model'), { name: 'dev' });
  await model.addApplication('web', { charmDir: webCharm, units: 2, config: { title: 'Hello' }, resources: { software: join(root, 'software.zip') } });
  await model.addApplication('pg', { charmDir: pgCharm, units: 2 });
  const dbKey = await model.addRelation('web:db', 'pg:db');
  const clusterKey = await model.addPeerRelation('web', 'cluster');
  const db = Number(dbKey.split(':')[1]);
  const cluster = Number(clusterKey.split(':')[1]);
  for (const unit of ['web/0', 'web/1', 'pg/0', 'pg/1']) await model.joinUnit(db, unit);
  for (const unit of ['web/0', 'web/1']) await model.joinUnit(cluster, unit);
  await model.setRelationData(db, 'pg', { database: 'app', endpoints: 'pg-0.pg-endpoints:5432' });
  await model.setRelationData(db, 'pg/0', { user: 'jim' });
  return { root, model, webCharm, db, cluster };
}

/** uvu/assert has no async `rejects`. */
export async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a rejection matching ${pattern}`);
}
