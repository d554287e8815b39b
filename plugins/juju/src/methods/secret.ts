import * as v from 'valibot';
import { defineMethod, ErrorCode, LuckyError, type MethodContext } from '@lucky/core';
import {
  SecretInfoSchema,
  secretAdd,
  secretGet,
  secretGetYaml,
  secretGrant,
  secretIds,
  secretIdsYaml,
  secretInfoGet,
  secretInfoGetYaml,
  secretRemove,
  secretRevoke,
  secretSet,
  type SecretContent,
} from '../tools/secret.js';

const SecretId = v.pipe(v.string(), v.nonEmpty('the secret id is empty'));
const StringMap = v.optional(v.record(v.string(), v.string()), {});

/** Content of secret.add/secret.set: `values` as text, `base64` already encoded, `files` read by the hook tool. */
const ContentParams = { values: StringMap, base64: StringMap, files: StringMap };

const MetadataParams = {
  label: v.optional(v.string()),
  description: v.optional(v.string()),
  /** A Go duration (`24h`) or an RFC 3339 time; checked by the hook tool. */
  expire: v.optional(v.string()),
  rotate: v.optional(v.picklist(['never', 'hourly', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly'])),
};

/**
 * `key#file` paths are read by the hook tool on the unit's machine. The container channel
 * reveals nothing of the host, so a container cannot name host files; it passes values.
 */
function content(params: SecretContent, ctx: MethodContext): SecretContent {
  if (Object.keys(params.files ?? {}).length > 0 && ctx.call.connection.audience !== 'host') {
    throw new LuckyError(
      ErrorCode.InvalidArgument,
      'key#file=<path> cannot be used from a container: the file would be read on the host. Pass the value instead (key="$(cat <path>)").',
    );
  }
  return params;
}

/** `secret.*` (issue 9, part 2), over the `secret-*` hook tools of the calling hook. Content travels in results only, never in logs. */
export const secretMethods = {
  'secret.add': defineMethod({
    container: true,
    params: v.object({ ...ContentParams, ...MetadataParams, owner: v.optional(v.picklist(['application', 'unit'])) }),
    result: v.object({ id: v.string() }),
    handler: async (params, ctx) => ({ id: await secretAdd(ctx.hook().env, content(params, ctx), params) }),
  }),
  'secret.get': defineMethod({
    container: true,
    params: v.object({
      id: v.optional(SecretId),
      label: v.optional(v.string()),
      key: v.optional(v.string()),
      peek: v.optional(v.boolean(), false),
      refresh: v.optional(v.boolean(), false),
      /** Also (only) the tool's YAML, for `--format yaml`. */
      yaml: v.optional(v.boolean(), false),
    }),
    result: v.object({ content: v.optional(v.record(v.string(), v.string())), value: v.optional(v.string()), yaml: v.optional(v.string()) }),
    handler: async (params, ctx) => {
      if (params.yaml) return { yaml: await secretGetYaml(ctx.hook().env, params) };
      const got = await secretGet(ctx.hook().env, params);
      return typeof got === 'string' ? { value: got } : { content: got };
    },
  }),
  'secret.set': defineMethod({
    container: true,
    params: v.object({ id: SecretId, ...ContentParams, ...MetadataParams }),
    result: v.object({}),
    handler: async (params, ctx) => {
      await secretSet(ctx.hook().env, params.id, content(params, ctx), params);
      return {};
    },
  }),
  'secret.grant': defineMethod({
    container: true,
    params: v.object({ id: SecretId, relationId: v.optional(v.string()), unit: v.optional(v.string()) }),
    result: v.object({}),
    handler: async ({ id, ...options }, ctx) => {
      await secretGrant(ctx.hook().env, id, options);
      return {};
    },
  }),
  'secret.revoke': defineMethod({
    container: true,
    params: v.object({ id: SecretId, relationId: v.optional(v.string()), app: v.optional(v.string()), unit: v.optional(v.string()) }),
    result: v.object({}),
    handler: async ({ id, ...options }, ctx) => {
      await secretRevoke(ctx.hook().env, id, options);
      return {};
    },
  }),
  'secret.remove': defineMethod({
    container: true,
    params: v.object({ id: SecretId, revision: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1, 'a revision is 1 or more'))) }),
    result: v.object({}),
    handler: async ({ id, revision }, ctx) => {
      await secretRemove(ctx.hook().env, id, revision);
      return {};
    },
  }),
  'secret.ids': defineMethod({
    container: true,
    params: v.object({ yaml: v.optional(v.boolean(), false) }),
    result: v.object({ ids: v.array(v.string()), yaml: v.optional(v.string()) }),
    handler: async ({ yaml }, ctx) => (yaml ? { ids: [], yaml: await secretIdsYaml(ctx.hook().env) } : { ids: await secretIds(ctx.hook().env) }),
  }),
  'secret.info': defineMethod({
    container: true,
    params: v.object({ id: v.optional(SecretId), label: v.optional(v.string()), yaml: v.optional(v.boolean(), false) }),
    result: v.object({ info: v.record(v.string(), SecretInfoSchema), yaml: v.optional(v.string()) }),
    handler: async (params, ctx) =>
      params.yaml ? { info: {}, yaml: await secretInfoGetYaml(ctx.hook().env, params) } : { info: await secretInfoGet(ctx.hook().env, params) },
  }),
};
