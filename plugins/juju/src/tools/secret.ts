import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { ErrorCode, LuckyError } from '@lucky/core';
import { parseToolJson, runTool, type ToolEnv } from './run.js';

/**
 * Secret content for secret-add/secret-set. `values` are given as text; `base64` values are
 * already base64; `files` are paths the hook tool reads itself (`key#file=path`, as Juju's).
 */
export interface SecretContent {
  readonly values?: Readonly<Record<string, string>>;
  readonly base64?: Readonly<Record<string, string>>;
  readonly files?: Readonly<Record<string, string>>;
}

export interface SecretMetadataOptions {
  readonly label?: string | undefined;
  readonly description?: string | undefined;
  /** A Go duration (`24h`) or an RFC 3339 time. */
  readonly expire?: string | undefined;
  readonly rotate?: string | undefined;
}

/**
 * Runs secret-add or secret-set with the content written to private files (`key#file=…`,
 * mode 0600 in a 0700 directory, removed afterwards), as ops does: a value never appears
 * in a command line (`ps`), nor in the tool's arguments that an error reports.
 */
async function withContentArgs<T>(content: SecretContent, run: (args: string[]) => Promise<T>): Promise<T> {
  const entries = [
    ...Object.entries(content.values ?? {}).map(([key, value]) => ({ key, value, suffix: '' })),
    ...Object.entries(content.base64 ?? {}).map(([key, value]) => ({ key, value, suffix: '#base64' })),
  ];
  const fileArgs = Object.entries(content.files ?? {}).map(([key, path]) => `${key}#file=${path}`);
  if (entries.length === 0) return run(fileArgs);
  const dir = await mkdtemp(join(tmpdir(), 'lucky-secret-'));
  try {
    const args: string[] = [];
    for (const [index, { key, value, suffix }] of entries.entries()) {
      const path = join(dir, String(index));
      await writeFile(path, value, { mode: 0o600 });
      args.push(`${key}${suffix}#file=${path}`);
    }
    return await run([...args, ...fileArgs]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function metadataArgs(options: SecretMetadataOptions): string[] {
  const args: string[] = [];
  if (options.label !== undefined) args.push('--label', options.label);
  if (options.description !== undefined) args.push('--description', options.description);
  if (options.expire !== undefined) args.push('--expire', options.expire);
  if (options.rotate !== undefined) args.push('--rotate', options.rotate);
  return args;
}

/** `secret-add [--owner application|unit] [metadata] content…`: the new secret's URI. */
export async function secretAdd(
  env: ToolEnv,
  content: SecretContent,
  options: SecretMetadataOptions & { owner?: 'application' | 'unit' | undefined },
): Promise<string> {
  const flags = [...(options.owner !== undefined ? ['--owner', options.owner] : []), ...metadataArgs(options)];
  const out = await withContentArgs(content, (args) => runTool('secret-add', [...flags, '--', ...args], env));
  return out.trim();
}

/** `secret-set <id> [metadata] [content…]`; no content: a metadata-only update. */
export async function secretSet(env: ToolEnv, id: string, content: SecretContent, options: SecretMetadataOptions): Promise<void> {
  await withContentArgs(content, (args) => runTool('secret-set', [...metadataArgs(options), '--', id, ...args], env));
}

export interface SecretGetOptions {
  readonly id?: string | undefined;
  readonly label?: string | undefined;
  readonly key?: string | undefined;
  readonly peek?: boolean | undefined;
  readonly refresh?: boolean | undefined;
}

function secretGetArgs(format: 'json' | 'yaml', options: SecretGetOptions): string[] {
  const args = [`--format=${format}`];
  if (options.label !== undefined) args.push('--label', options.label);
  if (options.peek) args.push('--peek');
  if (options.refresh) args.push('--refresh');
  args.push('--');
  if (options.id !== undefined) args.push(options.id);
  if (options.key !== undefined) args.push(options.key);
  return args;
}

/** `secret-get` as Juju prints it by default (YAML). */
export async function secretGetYaml(env: ToolEnv, options: SecretGetOptions): Promise<string> {
  return runTool('secret-get', secretGetArgs('yaml', options), env);
}

/**
 * `secret-get --format=json`: the whole content, or one key's value. Juju's secret-get takes a
 * key only after an id; with a label alone the key is picked from the whole content here.
 */
export async function secretGet(env: ToolEnv, options: SecretGetOptions): Promise<Record<string, string> | string> {
  if (options.id === undefined && options.key !== undefined) {
    const { key, ...whole } = options;
    const content = await secretGet(env, whole);
    const name = key.endsWith('#base64') ? key.slice(0, -'#base64'.length) : key;
    if (typeof content === 'string' || !Object.hasOwn(content, name)) {
      throw new LuckyError(ErrorCode.HookToolFailed, `secret-get failed: secret key value ${JSON.stringify(name)} not found (exit 1)`, {
        data: { tool: 'secret-get' },
      });
    }
    const value = content[name] ?? '';
    return key.endsWith('#base64') ? Buffer.from(value, 'utf8').toString('base64') : value;
  }
  const out = await runTool('secret-get', secretGetArgs('json', options), env);
  // Not parseToolJson: its errors quote the output, and this output is secret.
  let data: unknown;
  try {
    data = JSON.parse(out);
  } catch {
    data = undefined;
  }
  const result = v.safeParse(options.key === undefined ? v.record(v.string(), v.string()) : v.string(), data);
  if (!result.success)
    throw new LuckyError(ErrorCode.HookToolFailed, 'secret-get printed output that is not the JSON it should print (not shown: it is secret content).');
  return result.output;
}

/** `secret-grant <id> -r <relation> [--unit <unit>]`. */
export async function secretGrant(env: ToolEnv, id: string, options: { relationId?: string | undefined; unit?: string | undefined }): Promise<void> {
  const args: string[] = [];
  if (options.relationId !== undefined) args.push('--relation', options.relationId);
  if (options.unit !== undefined) args.push('--unit', options.unit);
  await runTool('secret-grant', [...args, '--', id], env);
}

/** `secret-revoke <id> [-r <relation> | --app <app> | --unit <unit>]`. */
export async function secretRevoke(
  env: ToolEnv,
  id: string,
  options: { relationId?: string | undefined; app?: string | undefined; unit?: string | undefined },
): Promise<void> {
  const args: string[] = [];
  if (options.relationId !== undefined) args.push('--relation', options.relationId);
  if (options.app !== undefined) args.push('--app', options.app);
  if (options.unit !== undefined) args.push('--unit', options.unit);
  await runTool('secret-revoke', [...args, '--', id], env);
}

/** `secret-remove <id> [--revision N]`: one revision, or the whole secret. */
export async function secretRemove(env: ToolEnv, id: string, revision?: number): Promise<void> {
  await runTool('secret-remove', [...(revision !== undefined ? ['--revision', String(revision)] : []), '--', id], env);
}

/** `secret-ids --format=yaml`. */
export async function secretIdsYaml(env: ToolEnv): Promise<string> {
  return runTool('secret-ids', ['--format=yaml'], env);
}

/** `secret-ids --format=json`: the ids of the unit's secrets (and its application's, on the leader). */
export async function secretIds(env: ToolEnv): Promise<string[]> {
  return parseToolJson('secret-ids', await runTool('secret-ids', ['--format=json'], env), v.nullable(v.array(v.string()))) ?? [];
}

/** One secret's metadata as secret-info-get prints it. */
export const SecretInfoSchema = v.object({
  revision: v.number(),
  label: v.string(),
  owner: v.string(),
  description: v.optional(v.string()),
  rotation: v.optional(v.string()),
  expiry: v.optional(v.string()),
  rotates: v.optional(v.string()),
  access: v.optional(v.array(v.object({ target: v.string(), scope: v.string(), role: v.string() }))),
});
export type SecretInfo = v.InferOutput<typeof SecretInfoSchema>;

function secretInfoArgs(format: 'json' | 'yaml', options: { id?: string | undefined; label?: string | undefined }): string[] {
  const args = [`--format=${format}`];
  if (options.label !== undefined) args.push('--label', options.label);
  if (options.id !== undefined) args.push('--', options.id);
  return args;
}

/** `secret-info-get --format=json <id>|--label L`: `{ <id>: info }`. */
export async function secretInfoGet(env: ToolEnv, options: { id?: string | undefined; label?: string | undefined }): Promise<Record<string, SecretInfo>> {
  return parseToolJson('secret-info-get', await runTool('secret-info-get', secretInfoArgs('json', options), env), v.record(v.string(), SecretInfoSchema));
}

/** `secret-info-get` as Juju prints it by default (YAML). */
export async function secretInfoGetYaml(env: ToolEnv, options: { id?: string | undefined; label?: string | undefined }): Promise<string> {
  return runTool('secret-info-get', secretInfoArgs('yaml', options), env);
}
