import * as v from 'valibot';
import { ROTATE_POLICIES, type SecretState } from './schema.js';

/** model.json's `secrets`, checked when the host opens a model (tool processes trust the file). */

const Revision = v.object({
  revision: v.pipe(v.number(), v.integer(), v.minValue(1)),
  content: v.record(v.string(), v.string()),
  createdAt: v.string(),
  expireAt: v.nullable(v.string()),
  expireTriggerAt: v.nullable(v.string()),
});

const Secret = v.object({
  owner: v.object({ kind: v.picklist(['application', 'unit', 'model']), id: v.string() }),
  label: v.string(),
  description: v.string(),
  rotatePolicy: v.picklist([...ROTATE_POLICIES, '']),
  nextRotateAt: v.nullable(v.string()),
  createdAt: v.string(),
  updatedAt: v.string(),
  revisions: v.array(Revision),
  access: v.array(v.object({ target: v.string(), scope: v.string(), role: v.literal('view'), relationId: v.nullable(v.pipe(v.number(), v.integer())) })),
  consumers: v.record(v.string(), v.object({ revision: v.pipe(v.number(), v.integer()), label: v.string() })),
});

export const SecretsSchema = v.record(v.pipe(v.string(), v.regex(/^[0-9a-v]{20}$/, 'a secret id is 20 characters of 0-9 and a-v')), Secret);

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesType: Same<v.InferOutput<typeof Secret>, SecretState> = true;
void schemaMatchesType;
