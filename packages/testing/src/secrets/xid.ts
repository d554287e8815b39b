import { randomBytes } from 'node:crypto';

/** xid's alphabet: base32hex, lower case. */
const ALPHABET = '0123456789abcdefghijklmnopqrstuv';

const machine = randomBytes(3);
let counter = randomBytes(3).readUIntBE(0, 3);

/**
 * A new secret id the way Juju makes them (github.com/rs/xid): 12 bytes (seconds,
 * machine, pid, counter) in base32hex without padding, 20 characters, e.g.
 * `d0l4ft3ndudj2q1f2d6g`.
 */
export function newXid(now: Date): string {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(Math.floor(now.getTime() / 1000) >>> 0, 0);
  machine.copy(bytes, 4);
  bytes.writeUInt16BE(process.pid & 0xffff, 7);
  counter = (counter + 1) & 0xffffff;
  bytes.writeUIntBE(counter, 9, 3);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

const XID = /^[0-9a-v]{20}$/;

/**
 * Juju's secrets.ParseURI: `secret:<xid>`, `secret://<model-uuid>/<xid>` or a bare xid.
 * Returns the xid, or null when the text is not a secret URI.
 */
export function parseSecretUri(text: string): string | null {
  let rest = text;
  if (rest.startsWith('secret://')) {
    const match = /^secret:\/\/[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}\/(.*)$/.exec(rest);
    if (!match) return null;
    rest = match[1] ?? '';
  } else if (rest.startsWith('secret:')) {
    rest = rest.slice('secret:'.length);
  } else if (/^[a-z][a-z0-9+.-]*:/.test(rest)) {
    return null;
  }
  return XID.test(rest) ? rest : null;
}

/** The URI Juju prints and puts in JUJU_SECRET_ID: `secret:<xid>`. */
export function secretUri(id: string): string {
  return `secret:${id}`;
}
