import { DEFAULT_CONTAINER, ErrorCode, LuckyError } from '@lucky/core';

/** The unit a container belongs to (`app/0`). */
export const UNIT_LABEL = 'lucky.unit';
/** The container's name in `lucky.yaml` terms: its `-c` name, or `default`. */
export const CONTAINER_LABEL = 'lucky.container';
/** Hash of the definition and of the mounts Lucky adds: equal hash, nothing to recreate. */
export const HASH_LABEL = 'lucky.hash';

const DEFAULT_LABEL_VALUE = 'default';

/** The `lucky.container` label of a definition key ('' is the default container). */
export function containerLabelValue(key: string): string {
  return key === DEFAULT_CONTAINER ? DEFAULT_LABEL_VALUE : key;
}

/** The definition key a `lucky.container` label stands for. */
export function containerKeyOf(label: string): string {
  return label === DEFAULT_LABEL_VALUE ? DEFAULT_CONTAINER : label;
}

/** Refuses a named container called "default": its label would be the default container's. */
export function checkContainerKey(key: string): void {
  if (key === DEFAULT_LABEL_VALUE) {
    throw new LuckyError(
      ErrorCode.ContainerFailed,
      'A container named "default" cannot be told apart from the default container; rename it (lucky container image set <image> -c <other name>).',
    );
  }
}

/**
 * The engine-side name: `lucky-<unit with / as ->-<name or default>`. Being
 * deterministic, the engine itself refuses a second container for the same
 * definition (a daemon killed mid-apply cannot leave duplicates).
 */
export function containerName(unit: string, key: string): string {
  return `lucky-${unit}-${containerLabelValue(key)}`.replace(/[^a-zA-Z0-9_.-]/g, '-');
}

/** `k=v,k2=v2` (LUCKY_DOCKER_LABELS) → labels; blank items are skipped, an item without `=` is refused. */
export function parseLabelList(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  if (!text) return labels;
  for (const item of text.split(',')) {
    const trimmed = item.trim();
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) {
      throw new LuckyError(
        ErrorCode.ContainerFailed,
        `Invalid label "${trimmed}" in LUCKY_DOCKER_LABELS: expected key=value items separated by commas, e.g. team=db,env=test`,
      );
    }
    labels[trimmed.slice(0, eq).trim()] = trimmed.slice(eq + 1).trim();
  }
  return labels;
}

/** The labels of one container: extra labels first, Lucky's own last so they always win. */
export function containerLabels(extra: Readonly<Record<string, string>>, unit: string, key: string, hash: string): Record<string, string> {
  return { ...extra, [UNIT_LABEL]: unit, [CONTAINER_LABEL]: containerLabelValue(key), [HASH_LABEL]: hash };
}
