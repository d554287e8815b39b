import { randomBytes } from 'node:crypto';

/** One part of a multipart/form-data body. */
export interface MultipartPart {
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The form field name (`request`, `files`, `response`). */
  readonly name: string | undefined;
  /** The `filename` parameter: Pebble puts the file's absolute path there. */
  readonly filename: string | undefined;
  readonly body: Buffer;
}

export interface MultipartInput {
  readonly name: string;
  readonly filename?: string;
  readonly contentType?: string;
  readonly body: string | Buffer;
}

/** A boundary as Go's multipart writer makes them: 60 hex characters (Pebble refuses fewer than 32). */
export function newBoundary(): string {
  return randomBytes(30).toString('hex');
}

// Go's mime/multipart escapes backslashes and double quotes in parameter values.
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Encodes parts as multipart/form-data with the given boundary. */
export function encodeMultipart(boundary: string, parts: readonly MultipartInput[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name=${quote(part.name)}`;
    if (part.filename !== undefined) head += `; filename=${quote(part.filename)}`;
    head += `\r\nContent-Type: ${part.contentType ?? 'application/octet-stream'}\r\n\r\n`;
    chunks.push(Buffer.from(head, 'utf8'), typeof part.body === 'string' ? Buffer.from(part.body, 'utf8') : part.body, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** The `boundary` parameter of a multipart Content-Type header, or undefined. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1]?.replace(/\\(.)/g, '$1') ?? match[2]) : undefined;
}

/** Reads the parameters of a Content-Disposition header (`form-data; name="x"; filename="/a"`). */
export function dispositionParams(header: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const match of header.matchAll(/;\s*([\w*-]+)=(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g)) {
    params[match[1]!.toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '');
  }
  return params;
}

/** Splits a whole multipart body into its parts; throws on a body that is not one. */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw new Error(`multipart body has no boundary "${boundary}"`);
  for (;;) {
    let start = at + delimiter.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) return parts; // closing "--boundary--"
    // Skip transport padding and the CRLF after the delimiter.
    while (body[start] === 0x20 || body[start] === 0x09) start++;
    if (body[start] === 0x0d && body[start + 1] === 0x0a) start += 2;
    else throw new Error('multipart delimiter is not followed by CRLF');
    const headerEnd = body.indexOf('\r\n\r\n', start);
    if (headerEnd < 0) throw new Error('multipart part has no end of headers');
    const headers: Record<string, string> = {};
    for (const line of body.subarray(start, headerEnd).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw new Error('multipart part is not terminated by a boundary');
    const params = dispositionParams(headers['content-disposition'] ?? '');
    parts.push({ headers, name: params.name, filename: params.filename, body: body.subarray(headerEnd + 4, next) });
    at = next + 2;
  }
}
