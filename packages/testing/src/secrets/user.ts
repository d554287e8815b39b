/**
 * User secrets, as `juju add-secret`, `juju grant-secret`, `juju secrets` and
 * `juju show-secret` see them: owned by the model, named, readable by the applications
 * they are granted to (charms usually get their id in a `secret` config option).
 */
import { SimulatorError } from '../errors.js';
import { modelNow } from '../runner/clock.js';
import type { ModelState } from '../model/schema.js';
import { updateModel } from '../model/store.js';
import { GoStruct, GoTime, type GoValue } from '../tools/format.js';
import { applicationTag, findSecret, latestRevision, modelSecrets } from './access.js';
import { ContentError, contentFromArgs, decodeContent, encodeContent } from './content.js';
import type { SecretState } from './schema.js';
import { newXid, parseSecretUri } from './xid.js';

const NAME = /^[a-z](?:-?[a-z0-9])*$/;

/** `juju add-secret <name> key=value…`: returns the new secret's id. */
export async function addUserSecret(dir: string, name: string, args: readonly string[], description = ''): Promise<string> {
  if (!NAME.test(name))
    throw new SimulatorError(`Invalid secret name ${JSON.stringify(name)}: use lowercase letters, digits and single dashes, starting with a letter.`);
  if (args.length === 0) throw new SimulatorError('Give the content as key=value (or key#base64=…, key#file=path).');
  let content: Record<string, string>;
  try {
    content = encodeContent(await contentFromArgs(args, process.cwd()));
  } catch (error) {
    if (error instanceof ContentError) throw new SimulatorError(`Invalid secret content: ${error.message}`);
    throw error;
  }
  return updateModel(dir, (model) => {
    if (Object.values(modelSecrets(model)).some((secret) => secret.owner.kind === 'model' && secret.label === name)) {
      throw new SimulatorError(`A secret named ${JSON.stringify(name)} already exists; see "lucky sim secrets".`);
    }
    const now = modelNow(model);
    const at = now.toISOString();
    const id = newXid(now);
    (model.secrets ??= {})[id] = {
      owner: { kind: 'model', id: model.uuid },
      label: name,
      description,
      rotatePolicy: '',
      nextRotateAt: null,
      createdAt: at,
      updatedAt: at,
      revisions: [{ revision: 1, content, createdAt: at, expireAt: null, expireTriggerAt: null }],
      access: [],
      consumers: {},
    };
    return id;
  });
}

/** A secret by `secret:<id>`, bare id, or user-secret name. */
export function resolveSecret(model: ModelState, ref: string): [string, SecretState] {
  const id = parseSecretUri(ref);
  const byId = id === null ? undefined : findSecret(model, id);
  if (id !== null && byId) return [id, byId];
  const named = Object.entries(modelSecrets(model)).find(([, secret]) => secret.owner.kind === 'model' && secret.label === ref);
  if (named) return named;
  throw new SimulatorError(`No secret ${JSON.stringify(ref)} in the model; see "lucky sim secrets".`);
}

/** `juju grant-secret <name|id> <app>[,<app>…]`: the applications may read the user secret. */
export async function grantUserSecret(dir: string, ref: string, apps: readonly string[]): Promise<void> {
  await updateModel(dir, (model) => {
    const [, secret] = resolveSecret(model, ref);
    if (secret.owner.kind !== 'model')
      throw new SimulatorError(`${ref} is a charm's secret; only user secrets are granted with grant-secret (charms use secret-grant).`);
    for (const app of apps) {
      if (!model.applications[app]) throw new SimulatorError(`No application ${JSON.stringify(app)} in the model.`);
      const target = applicationTag(app);
      if (!secret.access.some((grant) => grant.target === target)) secret.access.push({ target, scope: `model-${model.uuid}`, role: 'view', relationId: null });
    }
  });
}

function ownerShown(secret: SecretState): string {
  return secret.owner.kind === 'model' ? '<model>' : secret.owner.id;
}

/** Juju's secretDisplayDetails for one secret: metadata, and with `reveal` the latest content. */
export function secretDetails(secret: SecretState, options: { reveal?: boolean; revisions?: boolean; access?: boolean } = {}): GoStruct {
  const user = secret.owner.kind === 'model';
  const latest = secret.revisions.at(-1);
  return new GoStruct([
    { name: 'revision', value: latestRevision(secret) },
    { name: 'expires', value: latest?.expireAt ? new GoTime(new Date(latest.expireAt)) : null, omitEmpty: true },
    { name: 'rotation', value: secret.rotatePolicy, omitEmpty: true },
    { name: 'rotates', value: secret.nextRotateAt ? new GoTime(new Date(secret.nextRotateAt)) : null, omitEmpty: true },
    { name: 'owner', value: ownerShown(secret), omitEmpty: true },
    { name: 'description', value: secret.description, omitEmpty: true },
    { name: 'name', value: user ? secret.label : '', omitEmpty: true },
    { name: 'label', value: user ? '' : secret.label, omitEmpty: true },
    { name: 'created', value: new GoTime(new Date(secret.createdAt)) },
    { name: 'updated', value: new GoTime(new Date(secret.updatedAt)) },
    { name: 'content', value: options.reveal && latest ? decodeContent(latest.content) : null, omitEmpty: true },
    {
      name: 'revisions',
      value: options.revisions
        ? secret.revisions.map(
            (revision): GoValue =>
              new GoStruct([
                { name: 'revision', value: revision.revision },
                { name: 'created', value: new GoTime(new Date(revision.createdAt)) },
                { name: 'updated', value: new GoTime(new Date(revision.createdAt)) },
                { name: 'expires', value: revision.expireAt ? new GoTime(new Date(revision.expireAt)) : null, omitEmpty: true },
              ]),
          )
        : [],
      omitEmpty: true,
    },
    {
      name: 'access',
      value: options.access
        ? secret.access.map(
            (grant): GoValue =>
              new GoStruct([
                { name: 'target', value: grant.target },
                { name: 'scope', value: grant.scope },
                { name: 'role', value: grant.role },
              ]),
          )
        : [],
      omitEmpty: true,
    },
  ]);
}

/** `juju secrets`' table: ID, Name, Owner, Rotation, Revision (right-aligned), Last updated. */
export function secretsTable(model: ModelState): string {
  const now = modelNow(model);
  const rows = Object.entries(modelSecrets(model))
    .sort(([a, x], [b, y]) =>
      ownerShown(x) < ownerShown(y) ? -1 : ownerShown(x) > ownerShown(y) ? 1 : latestRevision(y) - latestRevision(x) || (a < b ? -1 : 1),
    )
    .map(([id, secret]) => [
      id,
      secret.owner.kind === 'model' ? secret.label : '-',
      ownerShown(secret),
      secret.rotatePolicy === '' ? 'never' : secret.rotatePolicy,
      String(latestRevision(secret)),
      friendlyAge(new Date(secret.updatedAt), now),
    ]);
  const table = [['ID', 'Name', 'Owner', 'Rotation', 'Revision', 'Last updated'], ...rows];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table
    .map((row) =>
      row
        .map((cell, column) => (column === 4 ? cell.padStart(widths[column]!) : column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

function friendlyAge(when: Date, now: Date): string {
  const seconds = Math.max(0, Math.floor((now.getTime() - when.getTime()) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return minutes === 1 ? '1 minute ago' : `${minutes} minutes ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return hours === 1 ? '1 hour ago' : `${hours} hours ago`;
  return when.toISOString().slice(0, 10);
}
