import { MAX_FRAME_BYTES } from './protocol.js';

/**
 * Splits a byte stream into newline-terminated frames. A frame that grows past
 * `maxBytes` before its newline is reported once through `onOversize` and the
 * rest of it is skipped, so a hostile or broken peer can never make us buffer
 * more than `maxBytes`.
 */
export class LineSplitter {
  private chunks: Buffer[] = [];
  private size = 0;
  private skipping = false;
  private readonly maxBytes: number;
  private readonly onLine: (line: string) => void;
  private readonly onOversize: () => void;

  constructor(onLine: (line: string) => void, onOversize: () => void, maxBytes = MAX_FRAME_BYTES) {
    this.onLine = onLine;
    this.onOversize = onOversize;
    this.maxBytes = maxBytes;
  }

  push(data: Buffer): void {
    let start = 0;
    while (start < data.length) {
      const nl = data.indexOf(10, start);
      const end = nl === -1 ? data.length : nl;
      const piece = data.subarray(start, end);
      if (!this.skipping) {
        if (this.size + piece.length > this.maxBytes) {
          this.skipping = true;
          this.chunks = [];
          this.size = 0;
          this.onOversize();
        } else if (piece.length > 0) {
          this.chunks.push(piece);
          this.size += piece.length;
        }
      }
      if (nl === -1) return;
      if (!this.skipping) {
        const line = Buffer.concat(this.chunks, this.size).toString('utf8');
        this.chunks = [];
        this.size = 0;
        if (line.trim() !== '') this.onLine(line);
      }
      this.skipping = false;
      start = nl + 1;
    }
  }

  /** Bytes of an unterminated frame still held (a half-written frame at disconnect). */
  get pending(): number {
    return this.size;
  }
}
