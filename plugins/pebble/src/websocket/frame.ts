import { randomBytes } from 'node:crypto';

/** RFC 6455 §5.2 opcodes. */
export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

/** RFC 6455 §7.4.1 close codes this implementation sends. */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  UnsupportedData: 1003,
  NoStatus: 1005,
  Abnormal: 1006,
  InvalidPayload: 1007,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  InternalError: 1011,
} as const;

export interface Frame {
  readonly fin: boolean;
  readonly opcode: number;
  readonly masked: boolean;
  readonly payload: Buffer;
}

/** A frame the peer sent that breaks the protocol; `code` is the close code to answer with. */
export class FrameError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.name = 'FrameError';
    this.code = code;
  }
}

export function isControl(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

/** XOR-masks `data` in place with the 4-byte key (§5.3). */
function applyMask(data: Buffer, key: Buffer): void {
  for (let i = 0; i < data.length; i++) data[i] = data[i]! ^ key[i & 3]!;
}

/** Encodes one frame; clients mask every frame (§5.1), servers never do. */
export function encodeFrame(opcode: number, payload: Buffer, options: { fin: boolean; mask: boolean }): Buffer {
  const length = payload.length;
  const extended = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const header = Buffer.alloc(2 + extended + (options.mask ? 4 : 0));
  header[0] = (options.fin ? 0x80 : 0) | opcode;
  const lengthByte = extended === 0 ? length : extended === 2 ? 126 : 127;
  header[1] = (options.mask ? 0x80 : 0) | lengthByte;
  if (extended === 2) header.writeUInt16BE(length, 2);
  else if (extended === 8) header.writeBigUInt64BE(BigInt(length), 2);
  if (!options.mask) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  key.copy(header, 2 + extended);
  const body = Buffer.from(payload);
  applyMask(body, key);
  return Buffer.concat([header, body]);
}

/**
 * Incremental frame decoder: feed it bytes as they arrive, take whole frames out.
 * It enforces what a single frame can break: reserved bits, unknown opcodes,
 * control-frame rules, the masking direction and the size limit.
 */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  /** Frames from the peer must (server side) or must not (client side) be masked. */
  private readonly expectMasked: boolean;
  private readonly maxPayload: number;

  constructor(expectMasked: boolean, maxPayload: number) {
    this.expectMasked = expectMasked;
    this.maxPayload = maxPayload;
  }

  push(chunk: Buffer): Frame[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: Frame[] = [];
    for (;;) {
      const frame = this.next();
      if (!frame) return frames;
      frames.push(frame);
    }
  }

  private next(): Frame | undefined {
    const buf = this.buffer;
    if (buf.length < 2) return undefined;
    const first = buf[0]!;
    const second = buf[1]!;
    const fin = (first & 0x80) !== 0;
    const opcode = first & 0x0f;
    const masked = (second & 0x80) !== 0;
    if ((first & 0x70) !== 0) throw new FrameError(CloseCode.ProtocolError, 'reserved bits set without a negotiated extension');
    if (![0x0, 0x1, 0x2, 0x8, 0x9, 0xa].includes(opcode)) throw new FrameError(CloseCode.ProtocolError, `unknown opcode ${opcode}`);
    if (masked !== this.expectMasked) {
      throw new FrameError(CloseCode.ProtocolError, this.expectMasked ? 'client frames must be masked' : 'server frames must not be masked');
    }
    let length = second & 0x7f;
    let offset = 2;
    if (isControl(opcode) && (length > 125 || !fin)) throw new FrameError(CloseCode.ProtocolError, 'control frames must be final and at most 125 bytes');
    if (length === 126) {
      if (buf.length < 4) return undefined;
      length = buf.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (buf.length < 10) return undefined;
      const big = buf.readBigUInt64BE(2);
      if (big > BigInt(this.maxPayload)) throw new FrameError(CloseCode.MessageTooBig, `frame of ${big} bytes is over the ${this.maxPayload}-byte limit`);
      length = Number(big);
      offset = 10;
    }
    if (length > this.maxPayload) throw new FrameError(CloseCode.MessageTooBig, `frame of ${length} bytes is over the ${this.maxPayload}-byte limit`);
    const keyLength = masked ? 4 : 0;
    if (buf.length < offset + keyLength + length) return undefined;
    const payload = Buffer.from(buf.subarray(offset + keyLength, offset + keyLength + length));
    if (masked) applyMask(payload, buf.subarray(offset, offset + 4));
    this.buffer = buf.subarray(offset + keyLength + length);
    return { fin, opcode, masked, payload };
  }
}
