import type { IncomingMessage } from 'node:http';

/** The request's fields, as Django REST framework's parsers give them to a form; or an HTTP error to send. */
export type ParsedBody = { readonly fields: Readonly<Record<string, unknown>> } | { readonly status: number; readonly detail: string };

export const MAX_BODY_BYTES = 64 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function parameter(contentType: string, name: string): string | undefined {
  for (const part of contentType.split(';').slice(1)) {
    const [key, ...rest] = part.split('=');
    if (key?.trim().toLowerCase() === name)
      return rest
        .join('=')
        .trim()
        .replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

/** multipart/form-data: the text fields (files are ignored, as the form has none). */
function parseMultipart(body: Buffer, boundary: string): Record<string, string> | undefined {
  const text = body.toString('utf8');
  const delimiter = `--${boundary}`;
  if (!text.startsWith(delimiter)) return undefined;
  const fields: Record<string, string> = {};
  for (const part of text.split(delimiter).slice(1)) {
    if (part.startsWith('--')) break;
    const end = part.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const headers = part.slice(0, end);
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined || /\bfilename="/i.test(headers)) continue;
    fields[name] = part.slice(end + 4).replace(/\r\n$/, '');
  }
  return fields;
}

/**
 * JSON (lego's bodies), form-urlencoded and multipart (what DRF also accepts), the last
 * value of a repeated form field winning as in Django's QueryDict. An empty body is no fields.
 */
export function parseBody(body: Buffer, contentType: string | undefined): ParsedBody {
  if (body.length === 0) return { fields: {} };
  const type = mediaType(contentType);
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      const json: unknown = JSON.parse(body.toString('utf8'));
      return { fields: json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {} };
    } catch (error) {
      return { status: 400, detail: `JSON parse error - ${(error as Error).message}` };
    }
  }
  if (type === 'application/x-www-form-urlencoded') {
    return { fields: Object.fromEntries(new URLSearchParams(body.toString('utf8'))) };
  }
  if (type === 'multipart/form-data') {
    const boundary = parameter(contentType ?? '', 'boundary');
    const fields = boundary === undefined ? undefined : parseMultipart(body, boundary);
    if (fields === undefined) return { status: 400, detail: 'Multipart form parse error - Invalid boundary in multipart: None' };
    return { fields };
  }
  return { status: 415, detail: `Unsupported media type "${contentType ?? ''}" in request.` };
}
