import { ownedView, parseUriArg, yamlJsonOutputOptions } from '../secrets/tool-support.js';
import type { ToolContext } from './context.js';
import { checkEmpty, runtimeError, usageError } from './errors.js';
import { GoStruct, GoTime, type GoValue } from './format.js';
import { valueOption, writeOutput, type ToolDefinition } from './tool.js';

type View = NonNullable<ReturnType<typeof ownedView> extends Map<string, infer T> ? T : never>;

/** Juju's metadataDisplay, field for field. */
function display(view: View): GoStruct {
  return new GoStruct([
    { name: 'revision', value: view.latestRevision },
    { name: 'label', value: view.label },
    { name: 'owner', value: view.ownerKind },
    { name: 'description', value: view.description, omitEmpty: true },
    { name: 'rotation', value: view.rotatePolicy, omitEmpty: true },
    { name: 'expiry', value: view.expireAt === null ? null : new GoTime(new Date(view.expireAt)), omitEmpty: true },
    { name: 'rotates', value: view.nextRotateAt === null ? null : new GoTime(new Date(view.nextRotateAt)), omitEmpty: true },
    {
      name: 'access',
      value: view.access.map(
        (grant): GoValue =>
          new GoStruct([
            { name: 'target', value: grant.target },
            { name: 'scope', value: grant.scope },
            { name: 'role', value: grant.role },
          ]),
      ),
      omitEmpty: true,
    },
  ]);
}

async function print(context: ToolContext, parsed: Parameters<ToolDefinition['run']>[1], id: string, view: View): Promise<void> {
  await writeOutput(context, parsed, { [id]: display(view) }, 'yaml');
}

export const tool: ToolDefinition = {
  name: 'secret-info-get',
  args: '<ID>',
  purpose: "Get a secret's metadata info.",
  options: () => [...yamlJsonOutputOptions(), valueOption('label')],
  async run(context, parsed) {
    const args = [...parsed.args];
    const id = args.length > 0 ? parseUriArg(args.shift() ?? '') : null;
    const label = parsed.string('label', '');
    if (id === null && label === '') usageError('require either a secret URI or label');
    if (id !== null && label !== '') usageError('specify either a secret URI or label but not both');
    checkEmpty(args);
    const all = ownedView(context);
    if (id !== null) {
      const view = all.get(id);
      if (view) return print(context, parsed, id, view);
      runtimeError(`secret ${JSON.stringify(id)} not found`);
    }
    for (const [key, view] of all) if (view.label === label) return print(context, parsed, key, view);
    runtimeError(`secret ${JSON.stringify(label)} not found`);
  },
};
