import { request, type IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { ErrorCode, LuckyError } from '@lucky/errors';

export interface RawResponse {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface RawRequest {
  readonly socketPath: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path with query string. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | Readable;
  readonly timeoutMs: number;
}

/** One HTTP/1.1 request over a Unix socket; resolves with the whole answer. */
export function httpRequest(options: RawRequest): Promise<RawResponse> {
  const where = `${options.method} ${options.path.split('?')[0]} on ${options.socketPath}`;
  return new Promise((resolve, reject) => {
    const req = request({
      socketPath: options.socketPath,
      method: options.method,
      path: options.path,
      headers: { Host: 'localhost', ...options.headers },
      timeout: options.timeoutMs,
    });
    req.on('timeout', () => req.destroy(new LuckyError(ErrorCode.DaemonUnavailable, `Pebble ${where} did not answer within ${options.timeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof LuckyError) reject(error);
      else if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') {
        reject(
          new LuckyError(ErrorCode.DaemonUnavailable, `Pebble is not answering on ${options.socketPath} (${error.code}); is the workload container up?`, {
            cause: error,
          }),
        );
      } else reject(new LuckyError(ErrorCode.DaemonUnavailable, `Pebble ${where} failed: ${error.message}`, { cause: error }));
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    const body = options.body;
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}
