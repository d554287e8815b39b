import { open } from 'node:fs/promises';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

/** One entry of a zip: a directory (name ending in `/`) or a file whose bytes are read when it is written. */
export interface ZipEntry {
  readonly name: string;
  /** UNIX permission bits, e.g. 0o755; the file type bits are added here. */
  readonly mode: number;
  readonly read?: () => Promise<Buffer>;
  /** Instead of `read`: the entry's data already packed by `packBytes` (e.g. from a cache). */
  readonly packed?: () => Promise<Packed>;
}

const deflateRaw = promisify(zlib.deflateRaw);
const MAX_32 = 0xffffffff;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
/** Version made by: UNIX (3) in the high byte, so unzip and Juju read the modes in the external attributes; spec 2.0. */
const MADE_BY = (3 << 8) | 20;
const NEEDED = 20;
/** General purpose flag bit 11: names are UTF-8. */
const UTF8 = 0x0800;
/** How many files are compressed ahead of the one being written (zlib runs on the thread pool). */
const AHEAD = 3;

/**
 * Writes a zip file with the given entries in the given order: local headers,
 * data (deflated, or stored when deflating does not help), central directory and
 * end record. Every entry gets the same timestamp and exactly its mode, so the same
 * entries give the same bytes. The zip file itself is readable by the group or
 * others only if every file in it is. No zip64: a charm never comes near 4 GiB.
 */
export async function writeZip(path: string, entries: readonly ZipEntry[], mtime: Date): Promise<void> {
  if (entries.length > 0xffff) throw new Error(`A zip holds at most 65535 entries; this one would have ${entries.length}.`);
  const { time, date } = dosDateTime(mtime);
  const compressed: Array<Promise<Packed> | undefined> = entries.map(() => undefined);
  const pack = (index: number) => {
    const entry = entries[index];
    if (!entry || compressed[index]) return;
    const packing = packEntry(entry);
    // Handled when its turn comes; until then a failure must not count as unhandled.
    packing.catch(() => undefined);
    compressed[index] = packing;
  };
  const central: Buffer[] = [];
  // Whoever can read the zip can read every file in it: the group and others may read it only if they may read every file.
  const readers = entries.reduce((bits, entry) => (entry.name.endsWith('/') ? bits : bits & entry.mode), 0o044);
  const file = await open(path, 'w', 0o600 | readers);
  try {
    let offset = 0;
    for (const [index, entry] of entries.entries()) {
      for (let ahead = index; ahead <= index + AHEAD; ahead++) pack(ahead);
      const packed = await compressed[index]!;
      compressed[index] = undefined;
      const name = Buffer.from(entry.name, 'utf8');
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(NEEDED, 4);
      local.writeUInt16LE(UTF8, 6);
      local.writeUInt16LE(packed.method, 8);
      local.writeUInt16LE(time, 10);
      local.writeUInt16LE(date, 12);
      local.writeUInt32LE(packed.crc, 14);
      local.writeUInt32LE(packed.data.length, 18);
      local.writeUInt32LE(packed.size, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(0, 28);
      await file.write(local);
      await file.write(name);
      if (packed.data.length > 0) await file.write(packed.data);

      const isDir = entry.name.endsWith('/');
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE(MADE_BY, 4);
      header.writeUInt16LE(NEEDED, 6);
      header.writeUInt16LE(UTF8, 8);
      header.writeUInt16LE(packed.method, 10);
      header.writeUInt16LE(time, 12);
      header.writeUInt16LE(date, 14);
      header.writeUInt32LE(packed.crc, 16);
      header.writeUInt32LE(packed.data.length, 20);
      header.writeUInt32LE(packed.size, 24);
      header.writeUInt16LE(name.length, 28);
      // Extra field, comment, disk number and internal attributes stay 0.
      // External attributes: the UNIX mode in the high 16 bits, MS-DOS's directory bit in the low.
      header.writeUInt32LE((((isDir ? S_IFDIR : S_IFREG) | (entry.mode & 0o7777)) * 0x10000 + (isDir ? 0x10 : 0)) >>> 0, 38);
      header.writeUInt32LE(offset, 42);
      central.push(header, name);
      offset += local.length + name.length + packed.data.length;
      if (offset > MAX_32) throw new Error(`The zip would exceed 4 GiB at ${entry.name}.`);
    }
    const directory = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    await file.write(directory);
    await file.write(end);
  } finally {
    await file.close();
  }
}

/** A file's bytes as a zip entry holds them. */
export interface Packed {
  /** 8: deflated; 0: stored. */
  readonly method: 0 | 8;
  readonly crc: number;
  /** Uncompressed size. */
  readonly size: number;
  readonly data: Buffer;
}

async function packEntry(entry: ZipEntry): Promise<Packed> {
  if (entry.packed) return entry.packed();
  if (entry.name.endsWith('/') || !entry.read) return { method: 0, crc: 0, size: 0, data: Buffer.alloc(0) };
  const raw = await entry.read();
  if (raw.length > MAX_32) throw new Error(`${entry.name} is larger than 4 GiB.`);
  return packBytes(raw);
}

/** Deflates (level 6) unless that does not make the data smaller, then stores it. */
export async function packBytes(raw: Buffer): Promise<Packed> {
  const deflated = raw.length === 0 ? raw : await deflateRaw(raw, { level: 6 });
  const stored = deflated.length >= raw.length;
  return { method: stored ? 0 : 8, crc: crc32(raw), size: raw.length, data: stored ? raw : deflated };
}

/** MS-DOS date and time fields (two-second resolution, no time zone: UTC here). */
export function dosDateTime(when: Date): { time: number; date: number } {
  const year = Math.min(Math.max(when.getUTCFullYear(), 1980), 2107);
  return {
    time: (when.getUTCHours() << 11) | (when.getUTCMinutes() << 5) | Math.floor(when.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((when.getUTCMonth() + 1) << 5) | when.getUTCDate(),
  };
}

// zlib.crc32 exists from Node 20.15 (and 22.2); earlier Node 20 needs the table.
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
let table: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3), as zip stores it. */
export function crc32(data: Uint8Array): number {
  if (typeof nativeCrc32 === 'function') return nativeCrc32(data);
  return tableCrc32(data);
}

/** The table-driven CRC-32, for Node versions without zlib.crc32. */
export function tableCrc32(data: Uint8Array): number {
  table ??= makeTable();
  let crc = 0xffffffff;
  for (const byte of data) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function makeTable(): Uint32Array {
  const result = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    result[n] = c >>> 0;
  }
  return result;
}
