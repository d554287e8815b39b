import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { CloseCode, FrameDecoder, FrameError, Opcode, encodeFrame, isControl, type Frame } from './frame.js';

export interface WebSocketOptions {
  /** Largest message accepted, in bytes (default 64 MiB); a larger one closes with 1009. */
  readonly maxMessageBytes?: number;
  /** Split outgoing messages into frames of at most this many bytes (default: one frame per message). */
  readonly maxFrameBytes?: number;
  /** How long to wait for the peer's close frame, then its end of the socket, before destroying it (default 5 s). */
  readonly closeTimeoutMs?: number;
}

export interface CloseInfo {
  /** The peer's close code, 1005 if its close frame had none, 1006 if the connection dropped without one. */
  readonly code: number;
  readonly reason: string;
}

export interface WebSocketEvents {
  message: [data: Buffer, isBinary: boolean];
  ping: [data: Buffer];
  pong: [data: Buffer];
  close: [info: CloseInfo];
  error: [error: Error];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function validUtf8(data: Buffer): boolean {
  try {
    utf8.decode(data);
    return true;
  } catch {
    return false;
  }
}

/** Close codes a peer may put on the wire (§7.4.1, §7.4.2). */
function validCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/**
 * One RFC 6455 connection over an already-upgraded socket, for either end:
 * clients mask what they send and refuse masked frames, servers the reverse.
 * Messages may arrive fragmented; pings are answered; the close handshake is
 * done both ways and `closed` resolves once the socket is gone.
 */
export class WebSocket extends EventEmitter<WebSocketEvents> {
  readonly role: 'client' | 'server';
  /** Resolves with the peer's close code once the underlying socket has closed. */
  readonly closed: Promise<CloseInfo>;
  private readonly socket: Duplex;
  private readonly decoder: FrameDecoder;
  private readonly maxMessage: number;
  private readonly maxFrame: number;
  private readonly closeTimeoutMs: number;
  private fragments: Buffer[] = [];
  private fragmentBytes = 0;
  private fragmentOpcode: number | undefined;
  private sentClose = false;
  private receivedClose: CloseInfo | undefined;
  private closeTimer: NodeJS.Timeout | undefined;
  private finished = false;
  private failed = false;
  /** The last protocol or socket error, for callers that did not listen for 'error'. */
  lastError: Error | undefined;

  constructor(socket: Duplex, role: 'client' | 'server', head: Buffer = Buffer.alloc(0), options: WebSocketOptions = {}) {
    super();
    this.socket = socket;
    this.role = role;
    this.maxMessage = options.maxMessageBytes ?? 64 * 1024 * 1024;
    this.maxFrame = options.maxFrameBytes ?? Number.POSITIVE_INFINITY;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 5_000;
    this.decoder = new FrameDecoder(role === 'server', this.maxMessage);
    let resolveClosed: (info: CloseInfo) => void = () => undefined;
    this.closed = new Promise((resolve) => (resolveClosed = resolve));
    if ('setNoDelay' in socket && typeof socket.setNoDelay === 'function') socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.report(error));
    socket.on('end', () => {
      // The peer finished writing: finish our side too (after our close frame, if any, is flushed).
      if (!this.socket.writableEnded) this.socket.end();
    });
    socket.on('close', () => {
      this.finished = true;
      if (this.closeTimer) clearTimeout(this.closeTimer);
      const info = this.receivedClose ?? { code: CloseCode.Abnormal, reason: '' };
      this.emit('close', info);
      resolveClosed(info);
    });
    // setImmediate: the caller that awaited the handshake attaches its listeners first.
    if (head.length > 0) setImmediate(() => this.onData(head));
  }

  /** True until a close frame was sent or received, or the socket dropped. */
  get open(): boolean {
    return !this.sentClose && this.receivedClose === undefined && !this.finished;
  }

  /** Sends a text message (string) or a binary message (Buffer); resolves once handed to the OS. */
  send(data: string | Buffer): Promise<void> {
    if (!this.open) return Promise.reject(new Error('WebSocket is closing or closed'));
    const binary = typeof data !== 'string';
    const payload = binary ? data : Buffer.from(data, 'utf8');
    const frames: Buffer[] = [];
    if (payload.length <= this.maxFrame) {
      frames.push(this.frame(binary ? Opcode.Binary : Opcode.Text, payload, true));
    } else {
      for (let offset = 0; offset < payload.length; offset += this.maxFrame) {
        const end = Math.min(payload.length, offset + this.maxFrame);
        const opcode = offset === 0 ? (binary ? Opcode.Binary : Opcode.Text) : Opcode.Continuation;
        frames.push(this.frame(opcode, payload.subarray(offset, end), end === payload.length));
      }
    }
    return this.write(Buffer.concat(frames));
  }

  ping(data: Buffer = Buffer.alloc(0)): Promise<void> {
    return this.write(this.frame(Opcode.Ping, data, true));
  }

  /**
   * Starts the close handshake (or answers the peer's); resolves when the socket has closed.
   * `code` 1005 sends a close frame without a code.
   */
  close(code: number = CloseCode.Normal, reason = ''): Promise<CloseInfo> {
    this.sendClose(code, reason);
    return this.closed;
  }

  /** Drops the connection without a close handshake. */
  terminate(): void {
    this.socket.destroy();
  }

  private frame(opcode: number, payload: Buffer, fin: boolean): Buffer {
    return encodeFrame(opcode, payload, { fin, mask: this.role === 'client' });
  }

  private write(bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.finished || this.socket.writableEnded) {
        reject(new Error('WebSocket is closed'));
        return;
      }
      this.socket.write(bytes, (error) => (error ? reject(error) : resolve()));
    });
  }

  private sendClose(code: number, reason: string): void {
    if (this.sentClose || this.finished) return;
    this.sentClose = true;
    const reasonBytes = Buffer.from(reason, 'utf8').subarray(0, 123);
    let payload = Buffer.alloc(0);
    if (code !== CloseCode.NoStatus) {
      payload = Buffer.alloc(2 + reasonBytes.length);
      payload.writeUInt16BE(code, 0);
      reasonBytes.copy(payload, 2);
    }
    this.write(this.frame(Opcode.Close, payload, true)).catch(() => undefined);
    if (this.receivedClose !== undefined) this.finish();
    this.closeTimer = setTimeout(() => this.socket.destroy(), this.closeTimeoutMs);
    this.closeTimer.unref();
  }

  /** Both close frames are out: the server ends TCP first (§7.1.1); the client waits for it, then ends too. */
  private finish(): void {
    if (this.role === 'server' && !this.socket.writableEnded) this.socket.end();
  }

  /** Emits 'error' only to listeners: a protocol error is already answered with a close frame. */
  private report(error: Error): void {
    this.lastError = error;
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  private fail(error: FrameError): void {
    this.report(error);
    this.sendClose(error.code, error.message);
    // After a protocol error no more data from the peer is read (§7.1.7).
    this.failed = true;
    this.socket.end();
  }

  private onData(chunk: Buffer): void {
    if (this.receivedClose !== undefined || this.failed) return;
    let frames: Frame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      if (error instanceof FrameError) this.fail(error);
      else throw error;
      return;
    }
    for (const frame of frames) {
      try {
        this.onFrame(frame);
      } catch (error) {
        if (error instanceof FrameError) this.fail(error);
        else throw error;
        return;
      }
      if (this.receivedClose !== undefined || this.failed) return;
    }
  }

  private onFrame(frame: Frame): void {
    if (isControl(frame.opcode)) {
      this.onControl(frame);
      return;
    }
    if (frame.opcode === Opcode.Continuation) {
      if (this.fragmentOpcode === undefined) throw new FrameError(CloseCode.ProtocolError, 'continuation frame without a message to continue');
    } else {
      if (this.fragmentOpcode !== undefined) throw new FrameError(CloseCode.ProtocolError, 'new data frame inside a fragmented message');
      this.fragmentOpcode = frame.opcode;
    }
    this.fragmentBytes += frame.payload.length;
    if (this.fragmentBytes > this.maxMessage) throw new FrameError(CloseCode.MessageTooBig, `message over the ${this.maxMessage}-byte limit`);
    this.fragments.push(frame.payload);
    if (!frame.fin) return;
    const data = this.fragments.length === 1 ? this.fragments[0]! : Buffer.concat(this.fragments);
    const binary = this.fragmentOpcode === Opcode.Binary;
    this.fragments = [];
    this.fragmentBytes = 0;
    this.fragmentOpcode = undefined;
    if (!binary && !validUtf8(data)) throw new FrameError(CloseCode.InvalidPayload, 'text message is not valid UTF-8');
    this.emit('message', data, binary);
  }

  private onControl(frame: Frame): void {
    if (frame.opcode === Opcode.Ping) {
      this.emit('ping', frame.payload);
      if (!this.sentClose) this.write(this.frame(Opcode.Pong, frame.payload, true)).catch(() => undefined);
      return;
    }
    if (frame.opcode === Opcode.Pong) {
      this.emit('pong', frame.payload);
      return;
    }
    // Close.
    const payload = frame.payload;
    if (payload.length === 1) throw new FrameError(CloseCode.ProtocolError, 'close frame with a 1-byte payload');
    let info: CloseInfo = { code: CloseCode.NoStatus, reason: '' };
    if (payload.length >= 2) {
      const code = payload.readUInt16BE(0);
      if (!validCloseCode(code)) throw new FrameError(CloseCode.ProtocolError, `invalid close code ${code}`);
      const reason = payload.subarray(2);
      if (!validUtf8(reason)) throw new FrameError(CloseCode.InvalidPayload, 'close reason is not valid UTF-8');
      info = { code, reason: reason.toString('utf8') };
    }
    this.receivedClose = info;
    if (this.sentClose) this.finish();
    else this.sendClose(info.code === CloseCode.NoStatus ? CloseCode.Normal : info.code, '');
  }
}
