import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import * as v from 'valibot';
import { ErrorCode, LuckyError, findLuckyFile, parseLuckyConfig, readConfigOptions, type LuckyConfig } from '@lucky/core';
import type { CharmMetadataInput, HookStubs } from './hook-stubs.js';
import { ActionsSchema, ConfigSchema, MetadataSchema, type Metadata } from './metadata-schema.js';
import { problemAt, problemsOf, readYamlSource, type Problem, type YamlSource } from './yaml-source.js';

/** A charm directory that passed every check, with what the build needs from it. */
export interface ValidCharm {
  /** The directory as the user gave it (for messages) and its absolute path. */
  readonly dir: string;
  readonly root: string;
  readonly name: string;
  readonly metadata: Metadata;
  readonly hookInput: CharmMetadataInput;
  /** Action names, from actions.yaml or charmcraft.yaml. */
  readonly actions: string[];
  /** The hooks Juju can fire on this charm (from the template package). */
  readonly hooks: string[];
  readonly lucky: LuckyConfig;
  /** When the metadata came from charmcraft.yaml: its parsed content, from which the build writes metadata.yaml and friends. */
  readonly charmcraft: Readonly<Record<string, unknown>> | undefined;
  /**
   * Problems that do not stop the build (`--strict` makes them errors): what Juju or
   * the original Lucky accepts but a new charm should not rely on (repeated keys,
   * coerced config defaults, an option without a type), and hooks that can never fire.
   */
  readonly warnings: Problem[];
}

/** Every problem found, one `file:line:col: key.path: reason` each. */
export class CharmInvalid extends LuckyError {
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[]) {
    super(ErrorCode.ConfigInvalid, problems.length === 1 ? (problems[0] as string) : `${problems.length} problems:\n${problems.join('\n')}`, {
      data: { problems },
    });
    this.problems = problems;
  }
}

/** Hook names Lucky itself fires without Juju: cron jobs run as the hook `cron`. */
const LUCKY_HOOKS = new Set(['cron']);

/**
 * Checks a charm directory without writing anything: the metadata (metadata.yaml,
 * else charmcraft.yaml), config.yaml and actions.yaml when present, and lucky.yaml
 * (with core's loader, which also checks that every script it names exists).
 * Collects every problem of every file before failing.
 */
export async function validateCharm(dir: string, stubs: HookStubs): Promise<ValidCharm> {
  const root = resolve(dir);
  const problems: Problem[] = [];
  // What Juju or the original Lucky accepts but a new charm should not rely on (repeated keys, coerced defaults).
  const compat: Problem[] = [];
  const shown = (name: string) => join(dir, name);

  // Juju reads metadata.yaml only; charmcraft.yaml is turned into one by the build.
  const metadataName = ['metadata.yaml', 'charmcraft.yaml'].find((name) => existsSync(join(root, name)));
  if (!metadataName) {
    throw new LuckyError(ErrorCode.ConfigInvalid, `No metadata.yaml or charmcraft.yaml in ${dir}: is it a charm directory? (at least "name: my-charm")`);
  }
  const fromCharmcraft = metadataName === 'charmcraft.yaml';
  // Juju reads metadata.yaml, config.yaml and actions.yaml with go-yaml v2; charmcraft reads charmcraft.yaml with PyYAML: both keep a repeated key's last value.
  const metadataSource = await load(shown(metadataName), join(root, metadataName), problems, fromCharmcraft ? 'charmcraft' : 'Juju', compat);
  let metadata: Metadata | undefined;
  if (metadataSource) metadata = check(MetadataSchema, metadataSource, problems, metadataProblems);

  const actionsSource = existsSync(join(root, 'actions.yaml'))
    ? await load(shown('actions.yaml'), join(root, 'actions.yaml'), problems, 'Juju', compat)
    : undefined;
  let actionsData: unknown = actionsSource?.data;
  let actionsFrom = actionsSource;
  if (!actionsSource && fromCharmcraft && metadataSource && isObject(metadataSource.data) && metadataSource.data.actions !== undefined) {
    actionsData = metadataSource.data.actions;
    actionsFrom = metadataSource;
  }
  let actions: string[] = [];
  if (actionsFrom) {
    const prefix = actionsFrom === actionsSource ? [] : ['actions'];
    const result = v.safeParse(ActionsSchema, actionsData);
    if (result.success) actions = Object.keys(result.output ?? {});
    else problems.push(...problemsOf(actionsFrom, result.issues, prefix));
  }

  if (existsSync(join(root, 'config.yaml'))) {
    const configSource = await load(shown('config.yaml'), join(root, 'config.yaml'), problems, 'Juju', compat);
    if (configSource) check(ConfigSchema, configSource, problems, (source) => configProblems(source, compat));
  }

  let lucky: LuckyConfig | undefined;
  let luckySource: YamlSource | undefined;
  try {
    const file = findLuckyFile(root);
    const shownFile = shown(basename(file));
    // Its repeated keys are reported by core's loader (lucky.warnings), as the daemon reports them.
    luckySource = await load(shownFile, file, problems, 'the original Lucky', []);
    if (luckySource) lucky = parseLuckyConfig(luckySource.text, shownFile, root);
  } catch (error) {
    if (!(error instanceof LuckyError)) throw error;
    const issues = error.data?.issues;
    problems.push(...(Array.isArray(issues) ? (issues as string[]) : [error.message]));
  }

  // The original's `charm build --use-local-lucky` put its binary in bin/; scripts find bin/ on PATH before Lucky's own `lucky`.
  if (existsSync(join(root, 'bin', 'lucky'))) {
    compat.push(
      `${shown(join('bin', 'lucky'))}:1:1: (file): scripts find bin/ on PATH before this Lucky's own "lucky", so this file would answer their "lucky" calls (is it the original Lucky's binary, from --use-local-lucky?): remove it`,
    );
  }

  // Juju only runs actions the charm declares: scripts under another name would never run.
  if (lucky && luckySource) {
    const declared = new Set(actions);
    for (const action of Object.keys(lucky.actions)) {
      if (!declared.has(action)) {
        problems.push(
          problemAt(
            luckySource,
            ['actions', action],
            `the action "${action}" is not declared in ${actionsFrom !== undefined && actionsFrom !== actionsSource ? 'charmcraft.yaml "actions:"' : 'actions.yaml'}; declare it there (with its params) or remove it`,
            true,
          ),
        );
      }
    }
  }
  if (problems.length > 0 || !metadata || !lucky || !luckySource) throw new CharmInvalid(problems);
  const hookInput: CharmMetadataInput = {
    name: metadata.name,
    ...(metadata.provides ? { provides: metadata.provides } : {}),
    ...(metadata.requires ? { requires: metadata.requires } : {}),
    ...(metadata.peers ? { peers: metadata.peers } : {}),
    ...(metadata.storage ? { storage: metadata.storage } : {}),
    ...(metadata.containers ? { containers: metadata.containers } : {}),
  };
  const { hooks } = stubs.charmHooks(hookInput, actions);
  const receivable = new Set([...hooks, ...LUCKY_HOOKS]);
  const actionNames = new Set(actions);
  const unreceived = Object.keys(lucky.hooks)
    .filter((hook) => !receivable.has(hook))
    .map((hook) =>
      problemAt(
        luckySource,
        ['hooks', hook],
        actionNames.has(hook)
          ? `"${hook}" is an action, and actions run the scripts under "actions:", so these scripts never run; move them to "actions: ${hook}:"`
          : `the charm never receives the hook "${hook}": it is not a hook of this charm's metadata nor an action, so these scripts never run`,
        true,
      ),
    );
  return {
    dir,
    root,
    name: metadata.name,
    metadata,
    hookInput,
    actions,
    hooks,
    lucky,
    charmcraft: fromCharmcraft && metadataSource && isObject(metadataSource.data) ? metadataSource.data : undefined,
    warnings: [...compat, ...(lucky.warnings ?? []), ...unreceived],
  };
}

async function load(file: string, path: string, problems: Problem[], reader: string, warnings: Problem[]): Promise<YamlSource | undefined> {
  const result = await readYamlSource(file, path, reader);
  if ('problem' in result) {
    problems.push(result.problem);
    return undefined;
  }
  warnings.push(...result.source.warnings);
  return result.source;
}

function check<S extends v.GenericSchema>(
  schema: S,
  source: YamlSource,
  problems: Problem[],
  more: (source: YamlSource, data: v.InferOutput<S>) => Problem[],
): v.InferOutput<S> | undefined {
  if (source.data === undefined || source.data === null) {
    if (v.is(schema, null)) return null;
    problems.push(problemAt(source, [], 'the file is empty'));
    return undefined;
  }
  const result = v.safeParse(schema, source.data);
  if (!result.success) {
    problems.push(...problemsOf(source, result.issues));
    return undefined;
  }
  const found = more(source, result.output);
  problems.push(...found);
  return found.length === 0 ? result.output : undefined;
}

/** What Juju checks across entries: unique endpoint names, containers' resources and mounts, file resources' names. */
function metadataProblems(source: YamlSource, metadata: Metadata): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  for (const role of ['provides', 'requires', 'peers'] as const) {
    for (const name of Object.keys(metadata[role] ?? {})) {
      const first = seen.get(name);
      if (first) problems.push(problemAt(source, [role, name], `the endpoint "${name}" is already declared under ${first}`, true));
      else seen.set(name, role);
    }
  }
  const resources = metadata.resources ?? {};
  for (const [name, resource] of Object.entries(resources)) {
    if (resource.type === 'file' && resource.filename === undefined)
      problems.push(problemAt(source, ['resources', name], 'a file resource needs a "filename"'));
  }
  for (const [name, container] of Object.entries(metadata.containers ?? {})) {
    if (container.resource === undefined && container.bases === undefined) {
      problems.push(problemAt(source, ['containers', name], 'a container needs a "resource" (an oci-image resource) or "bases"'));
    }
    if (container.resource !== undefined && resources[container.resource]?.type !== 'oci-image') {
      problems.push(problemAt(source, ['containers', name, 'resource'], `"${container.resource}" is not an oci-image resource declared under "resources"`));
    }
    for (const [index, mount] of (container.mounts ?? []).entries()) {
      if (!metadata.storage?.[mount.storage])
        problems.push(problemAt(source, ['containers', name, 'mounts', index, 'storage'], `"${mount.storage}" is not a storage declared under "storage"`));
    }
  }
  return problems;
}

/**
 * Juju's reading of the options (juju-config.ts in core): a default Juju coerces
 * ("false" for a boolean, "8080" for an int) is a warning saying what to write; one
 * it refuses (a string for a float, 1 for a float) is a problem at its position.
 */
function configProblems(source: YamlSource, warnings: Problem[]): Problem[] {
  const report = readConfigOptions(source.doc, source.counter, source.file);
  warnings.push(...report.warnings);
  return [...report.problems];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
