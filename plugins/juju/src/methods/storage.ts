import * as v from 'valibot';
import { defineMethod } from '@lucky/core';
import { storageAdd, storageGet, storageList } from '../tools/storage.js';

/** Juju's storage names: `data`, `db-files` (a letter, then letters, digits and single dashes). */
const StorageName = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/, 'expected a storage name like data or db-files'));

/**
 * `storage.*` over `storage-list/get/add`. Host only: storage locations are host
 * paths, and `storage-add` provisions new volumes for the machine, beyond the unit's containers.
 */
export const storageMethods = {
  'storage.list': defineMethod({
    params: v.object({ name: v.optional(StorageName) }),
    result: v.object({ ids: v.array(v.string()) }),
    handler: async ({ name }, ctx) => ({ ids: await storageList(ctx.hook().env, name) }),
  }),
  'storage.get': defineMethod({
    params: v.object({ id: v.optional(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]*\/\d+$/, 'expected a storage id like data/0'))) }),
    result: v.object({ kind: v.string(), location: v.string() }),
    handler: async ({ id }, ctx) => storageGet(ctx.hook().env, id),
  }),
  'storage.add': defineMethod({
    params: v.object({
      requests: v.pipe(
        v.array(v.object({ name: StorageName, count: v.pipe(v.number(), v.integer(), v.minValue(1)) })),
        v.minLength(1, 'name at least one store'),
      ),
    }),
    result: v.object({}),
    handler: async ({ requests }, ctx) => {
      await storageAdd(ctx.hook().env, requests);
      return {};
    },
  }),
};
