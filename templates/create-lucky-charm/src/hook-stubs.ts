// The hook-stub API alone (`create-lucky-charm/stubs`): no CLI, no template, only node:fs,
// for `lucky charm build` and anything else that bundles it.
export { charmHooks, STANDARD_HOOKS, type CharmMetadataInput } from './hooks.js';
export { dispatchScript, stubScript, writeHookStubs } from './stubs.js';
