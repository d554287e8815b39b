import { stringify } from 'yaml';
import type { Architecture } from './launcher.js';

/** The Ubuntu releases a Lucky charm declares: the LTS releases Juju deploys machine charms to. */
const UBUNTU_CHANNELS = ['22.04', '24.04'];

/**
 * `manifest.yaml` as charmcraft writes it (one base per Ubuntu release, each with
 * the built architectures), without charmcraft's dates so the same inputs give the
 * same file. Juju reads the bases from it to choose machines.
 */
export function manifestYaml(architectures: readonly Architecture[]): string {
  const lines = ['# Written by "lucky charm build".', 'bases:'];
  for (const channel of UBUNTU_CHANNELS) {
    lines.push('- architectures:', ...architectures.map((arch) => `  - ${arch}`), `  channel: '${channel}'`, '  name: ubuntu');
  }
  return `${lines.join('\n')}\n`;
}

/** charmcraft.yaml keys that are about building, not metadata Juju reads. */
const CHARMCRAFT_ONLY = new Set(['type', 'bases', 'base', 'build-base', 'platforms', 'parts', 'config', 'actions', 'charmhub', 'analysis', 'charm-libs']);

/**
 * What Juju reads from a charm that charmcraft.yaml holds: like charmcraft, the
 * build writes metadata.yaml, config.yaml and actions.yaml from it (each only when
 * the charm does not have that file already).
 */
export function charmcraftFiles(charmcraft: Readonly<Record<string, unknown>>): Record<string, string> {
  const files: Record<string, string> = {};
  const metadata = Object.fromEntries(Object.entries(charmcraft).filter(([key]) => !CHARMCRAFT_ONLY.has(key)));
  files['metadata.yaml'] = written(metadata);
  if (charmcraft.config !== undefined && charmcraft.config !== null) files['config.yaml'] = written(charmcraft.config);
  if (charmcraft.actions !== undefined && charmcraft.actions !== null) files['actions.yaml'] = written(charmcraft.actions);
  return files;
}

function written(data: unknown): string {
  return `# Written by "lucky charm build" from charmcraft.yaml.\n${stringify(data)}`;
}
