import * as v from 'valibot';

/** One user: a scrypt password hash and the two grant lists (sorted, unique). */
export const UserSchema = v.strictObject({
  username: v.pipe(v.string(), v.minLength(1)),
  /** `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>` (see password.ts). */
  password: v.pipe(v.string(), v.startsWith('scrypt$')),
  domains: v.array(v.string()),
  subdomains: v.array(v.string()),
});

/** The users/grants file: what export-db prints and import-db reads. Users keep creation order. */
export const DatabaseSchema = v.pipe(
  v.strictObject({
    version: v.literal(1),
    users: v.array(UserSchema),
    /** Every domain ever granted, as Canonical's Domain table: revoking a grant keeps the domain known. */
    domains: v.array(v.string()),
  }),
  v.check((db) => new Set(db.users.map((u) => u.username)).size === db.users.length, 'usernames must be unique'),
);

export type User = v.InferOutput<typeof UserSchema>;
export type Database = v.InferOutput<typeof DatabaseSchema>;

export function emptyDatabase(): Database {
  return { version: 1, users: [], domains: [] };
}
