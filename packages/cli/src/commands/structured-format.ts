import { UsageError } from 'clipanion';

/** Output of getters whose data are nested documents: Lucky's plain text, JSON, or Juju's YAML. */
export type StructuredFormat = 'plain' | 'json' | 'yaml';

export function parseStructuredFormat(value: string): StructuredFormat {
  if (value === 'plain' || value === 'json' || value === 'yaml') return value;
  throw new UsageError(`Invalid --format "${value}": expected plain, json or yaml`);
}
