/** A one-file ustar archive (with a PAX header for long names), the form Docker's archive API takes. */

function octalField(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0';
}

function header(name: string, size: number, mode: number, uid: number, gid: number, type: string): Buffer {
  const block = Buffer.alloc(512);
  block.write(name.slice(0, 100), 0, 'utf8');
  block.write(octalField(mode & 0o7777, 8), 100, 'ascii');
  block.write(octalField(uid, 8), 108, 'ascii');
  block.write(octalField(gid, 8), 116, 'ascii');
  block.write(octalField(size, 12), 124, 'ascii');
  block.write(octalField(Math.floor(Date.now() / 1000), 12), 136, 'ascii');
  block.write('        ', 148, 'ascii'); // checksum field counts as spaces
  block.write(type, 156, 'ascii');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return block;
}

function padded(data: Buffer): Buffer {
  const rest = data.length % 512;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(512 - rest)]);
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
  return `${length}${body}`;
}

/** A tar holding one regular file `name` (relative) with this content, mode and owner. */
export function singleFileTar(name: string, content: Buffer, options: { mode: number; uid: number; gid: number }): Buffer {
  const blocks: Buffer[] = [];
  if (Buffer.byteLength(name) > 100) {
    const pax = Buffer.from(paxRecord('path', name), 'utf8');
    blocks.push(header('PaxHeader', pax.length, 0o644, 0, 0, 'x'), padded(pax));
  }
  blocks.push(header(name, content.length, options.mode, options.uid, options.gid, '0'), padded(content), Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
