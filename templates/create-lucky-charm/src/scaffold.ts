import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { CharmMetadataInput } from './hooks.js';
import { render } from './render.js';
import { writeHookStubs } from './stubs.js';
import { checkTargetDir } from './target-dir.js';
import { VERSION } from './version.js';

/**
 * The templates: `default` (a machine charm), `k8s` (a Kubernetes sidecar charm under
 * Pebble) and `httpreq-provider` (a complete sidecar charm: lego's httpreq DNS-01 provider).
 */
export const TEMPLATES = ['default', 'k8s', 'httpreq-provider'] as const;
export type TemplateName = (typeof TEMPLATES)[number];

/** A raw template shipped with this package (computed on use, so bundling the hook-stub code costs nothing). */
export function templateDir(template: TemplateName = 'default'): string {
  return fileURLToPath(new URL(template === 'default' ? '../template/' : `../template-${template}/`, import.meta.url));
}

/**
 * Template files stored under another name: npm drops `.gitignore` files from
 * published packages, so the template keeps it as `_gitignore`.
 */
export const DOTFILE_RENAMES: Readonly<Record<string, string>> = { _gitignore: '.gitignore' };

/** Directories whose files Lucky runs as programs. */
const EXECUTABLE_DIRS = new Set(['host_scripts', 'container_scripts']);

/** What the user chose for the new charm. */
export interface CharmValues {
  /** Charm name (metadata `name`), already validated. */
  readonly name: string;
  readonly displayName: string;
  readonly summary: string;
  readonly maintainer: string;
}

/** Every file of the template, as paths relative to the template with `/`, sorted. */
export async function templateFiles(template: TemplateName = 'default'): Promise<string[]> {
  const root = templateDir(template);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/** Where a template file lands in the charm. */
export function targetPath(templatePath: string): string {
  const name = posix.basename(templatePath);
  const renamed = DOTFILE_RENAMES[name];
  return renamed === undefined ? templatePath : posix.join(posix.dirname(templatePath), renamed);
}

/**
 * Writes a new charm into `dir` (created if missing; refused when not empty
 * unless `force`): the rendered template, then its hook stubs. Returns the
 * files written, relative to `dir`, sorted.
 */
export async function scaffold(dir: string, values: CharmValues, options: { force?: boolean; template?: TemplateName } = {}): Promise<string[]> {
  await checkTargetDir(dir, options.force ?? false);
  const substitutions = {
    name: values.name,
    displayName: values.displayName,
    summary: values.summary,
    maintainer: values.maintainer,
    luckyVersion: VERSION,
    initial: values.name.charAt(0).toUpperCase(),
  };
  const written: string[] = [];
  const template = options.template ?? 'default';
  const root = templateDir(template);
  for (const file of await templateFiles(template)) {
    const text = render(await readFile(join(root, file), 'utf8'), substitutions, file);
    const relative = targetPath(file);
    const path = join(dir, relative);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    const executable = EXECUTABLE_DIRS.has(relative.split('/')[0] ?? '') && !relative.endsWith('.md');
    await chmod(path, executable ? 0o755 : 0o644);
    written.push(relative);
  }
  const metadata = parse(await readFile(join(dir, 'metadata.yaml'), 'utf8')) as CharmMetadataInput;
  // The k8s template declares no actions.
  const actionsYaml = await readFile(join(dir, 'actions.yaml'), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const actions = Object.keys((parse(actionsYaml) ?? {}) as Record<string, unknown>);
  written.push(...(await writeHookStubs(dir, metadata, actions)));
  return written.sort();
}
