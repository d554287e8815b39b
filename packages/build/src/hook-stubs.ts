/** What the build uses of the template package: the hook list and the stub writer. */
export type HookStubs = Pick<typeof import('create-lucky-charm'), 'charmHooks' | 'writeHookStubs'>;
export type { CharmMetadataInput } from 'create-lucky-charm';

/** Loaded on first use: the template package is only needed when a charm is built. */
export function loadHookStubs(): Promise<HookStubs> {
  return import('create-lucky-charm');
}
