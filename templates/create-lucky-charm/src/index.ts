export { charmHooks, STANDARD_HOOKS, type CharmMetadataInput } from './hooks.js';
export { dispatchScript, stubScript, writeHookStubs } from './stubs.js';
export { scaffold, templateDir, templateFiles, targetPath, DOTFILE_RENAMES, TEMPLATES, type CharmValues, type TemplateName } from './scaffold.js';
export { charmNameFrom, charmNameProblem } from './charm-name.js';
export { run } from './run.js';
export { VERSION } from './version.js';
