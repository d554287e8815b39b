import * as v from 'valibot';

/** Every Pebble answer is this JSON envelope. */
export const EnvelopeSchema = v.looseObject({
  type: v.picklist(['sync', 'async', 'error']),
  'status-code': v.number(),
  status: v.optional(v.string()),
  result: v.optional(v.unknown()),
  change: v.optional(v.string()),
});
export type Envelope = v.InferOutput<typeof EnvelopeSchema>;

export const ErrorResultSchema = v.looseObject({ message: v.string(), kind: v.optional(v.string()), value: v.optional(v.unknown()) });

const StringMap = v.record(v.string(), v.string());

export const SystemInfoSchema = v.looseObject({ version: v.string(), 'boot-id': v.optional(v.string()) });
export const HealthSchema = v.looseObject({ healthy: v.boolean() });

export const ServiceInfoSchema = v.looseObject({
  name: v.string(),
  startup: v.picklist(['enabled', 'disabled']),
  current: v.picklist(['active', 'inactive', 'error', 'backoff']),
  'current-since': v.optional(v.string()),
});

export const CheckInfoSchema = v.looseObject({
  name: v.string(),
  level: v.optional(v.string()),
  startup: v.optional(v.string()),
  status: v.picklist(['up', 'down']),
  failures: v.optional(v.number(), 0),
  threshold: v.number(),
  'change-id': v.optional(v.string()),
});

export const NoticeSchema = v.looseObject({
  id: v.string(),
  'user-id': v.optional(v.nullable(v.number())),
  type: v.string(),
  key: v.string(),
  'first-occurred': v.string(),
  'last-occurred': v.string(),
  'last-repeated': v.string(),
  occurrences: v.number(),
  'last-data': v.optional(StringMap),
  'repeat-after': v.optional(v.string()),
  'expire-after': v.optional(v.string()),
});

export const NoticeIdSchema = v.looseObject({ id: v.string() });

export const FileInfoSchema = v.looseObject({
  path: v.string(),
  name: v.string(),
  type: v.picklist(['file', 'directory', 'symlink', 'socket', 'named-pipe', 'device', 'unknown']),
  size: v.optional(v.number()),
  permissions: v.pipe(v.string(), v.regex(/^[0-7]{3,4}$/)),
  'last-modified': v.string(),
  'user-id': v.optional(v.nullable(v.number())),
  user: v.optional(v.string()),
  'group-id': v.optional(v.nullable(v.number())),
  group: v.optional(v.string()),
});

export const PathResultSchema = v.looseObject({ path: v.string(), error: v.optional(ErrorResultSchema) });

const TaskSchema = v.looseObject({
  id: v.string(),
  kind: v.string(),
  summary: v.string(),
  status: v.string(),
  log: v.optional(v.array(v.string()), []),
  progress: v.optional(v.looseObject({ label: v.string(), done: v.number(), total: v.number() }), { label: '', done: 0, total: 1 }),
  'spawn-time': v.string(),
  'ready-time': v.optional(v.string()),
  data: v.optional(v.record(v.string(), v.unknown())),
});

export const ChangeSchema = v.looseObject({
  id: v.string(),
  kind: v.string(),
  summary: v.string(),
  status: v.string(),
  tasks: v.optional(v.array(TaskSchema), []),
  ready: v.boolean(),
  err: v.optional(v.string()),
  'spawn-time': v.string(),
  'ready-time': v.optional(v.string()),
  data: v.optional(v.record(v.string(), v.unknown())),
});

export const ExecResultSchema = v.looseObject({ 'task-id': v.string() });

const ServiceSpecSchema = v.looseObject({ override: v.optional(v.picklist(['merge', 'replace'])) });
const CheckSpecSchema = v.looseObject({ override: v.optional(v.picklist(['merge', 'replace'])) });

/** A plan as `/v1/plan` returns it; fields Lucky does not model are kept. */
export const PlanSchema = v.looseObject({
  summary: v.optional(v.string()),
  description: v.optional(v.string()),
  services: v.optional(v.record(v.string(), ServiceSpecSchema)),
  checks: v.optional(v.record(v.string(), CheckSpecSchema)),
});

/** One valibot failure as `where: problem`. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  const first = issues[0];
  if (!first) return 'invalid';
  return `${v.getDotPath(first) ?? '(root)'}: ${first.message}`;
}
