/**
 * Which charm revision a daemon serves: a hash of the Lucky version and the bytes of
 * the charm's lucky.yaml (which names its plugins and runtime). `lucky dispatch`
 * computes it for the charm on disk and compares it with the one the running daemon
 * reports in its handshake; when they differ (the charm was upgraded, or Lucky was),
 * it restarts the daemon before running the hook.
 *
 * Kept to one small file read and one hash: dispatch runs it for every hook. Plugin
 * code that changes while lucky.yaml stays the same (a plugin upgraded inside the
 * charm's node_modules) is not noticed; changing its version in lucky.yaml, or any
 * edit to lucky.yaml, is.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** 16 hex digits: the charm directory, its lucky.yaml (else lucky.yml; nothing when neither exists) and the Lucky version. */
export function charmFingerprint(charmDir: string, version: string): string {
  // The directory too: Juju keeps a unit's charm at one path, but the simulator can move an application to another.
  // node:crypto loaded here, not imported: requiring it loads some 36 of Node's internal modules
  // (about 3 ms), which every client command bundling this file would pay, and only dispatch hashes.
  const hash = process.getBuiltinModule('node:crypto').createHash('sha256').update(`lucky ${version}\0${charmDir}\0`);
  for (const name of ['lucky.yaml', 'lucky.yml']) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(charmDir, name));
    } catch {
      continue;
    }
    hash.update(`${name}\0`).update(bytes);
    break;
  }
  return hash.digest('hex').slice(0, 16);
}
