/**
 * The wire format between a hook-tool client (the bash launcher of tool-scripts.ts)
 * and the model server, shaped by what bash can write and read without starting a
 * process. Like jujuc's request (context id, cwd, command, args, stdin on demand)
 * and response (code, stdout, stderr).
 *
 * Request: NUL-terminated fields `LUCKYSIM1`, token, client pid, $PWD, then
 * JUJU_CONTEXT_ID, JUJU_AGENT_SOCKET_ADDRESS, JUJU_AGENT_SOCKET_NETWORK and HOME
 * (each `=value` when set, empty when unset), the tool name, the argument count and
 * the arguments. A tool that reads its standard input gets it over a second
 * connection: the server sends `S <id> 0 0\n`, the client connects again, sends
 * `LUCKYSIM1-STDIN`, token and id, then its stdin until EOF.
 *
 * Response: `<code> <stderr bytes> <stdout bytes> <i|c>\n`, stderr, stdout. With `i`
 * the client reads stdout with `read -N` (text without NUL, small); with `c` it copies
 * the rest with `cat`.
 */
export const REQUEST_MAGIC = 'LUCKYSIM1';
export const STDIN_MAGIC = 'LUCKYSIM1-STDIN';

/** Larger output is copied by `cat`: bash reads a socket a byte at a time. */
export const INLINE_LIMIT = 16 * 1024;

export interface ToolRequest {
  readonly token: string;
  readonly pid: number;
  readonly pwd: string;
  readonly env: Record<string, string>;
  readonly name: string;
  readonly args: string[];
}

export interface StdinRequest {
  readonly token: string;
  readonly id: string;
}

const ENV_FIELDS = ['JUJU_CONTEXT_ID', 'JUJU_AGENT_SOCKET_ADDRESS', 'JUJU_AGENT_SOCKET_NETWORK', 'HOME'] as const;

/**
 * Splits the NUL-terminated fields received so far; returns the request once it is
 * complete, null while more is to come. Throws on a malformed request.
 */
export function parseRequest(data: Buffer): ToolRequest | StdinRequest | null {
  const fields: string[] = [];
  let start = 0;
  for (let end = data.indexOf(0, start); end !== -1; end = data.indexOf(0, start)) {
    fields.push(data.subarray(start, end).toString('utf8'));
    start = end + 1;
  }
  const [magic, token = '', third = '', pwd = ''] = fields;
  if (magic === undefined) return null;
  if (magic === STDIN_MAGIC) return fields.length >= 3 ? { token, id: third } : null;
  if (magic !== REQUEST_MAGIC) throw new Error('not a model server request');
  const fixed = 4 + ENV_FIELDS.length + 2;
  if (fields.length < fixed) return null;
  const count = Number(fields[fixed - 1]);
  if (!Number.isSafeInteger(count) || count < 0) throw new Error('bad argument count');
  if (fields.length < fixed + count) return null;
  const env: Record<string, string> = {};
  ENV_FIELDS.forEach((name, index) => {
    const field = fields[4 + index] ?? '';
    if (field.startsWith('=')) env[name] = field.slice(1);
  });
  return { token, pid: Number(third), pwd, env, name: fields[fixed - 2] ?? '', args: fields.slice(fixed, fixed + count) };
}

export function isStdinRequest(request: ToolRequest | StdinRequest): request is StdinRequest {
  return !('name' in request);
}

/** The response: header, stderr, stdout. */
export function encodeResponse(code: number, stderr: Buffer, stdout: Buffer): Buffer {
  const inline = stdout.length <= INLINE_LIMIT && !stdout.includes(0);
  return Buffer.concat([Buffer.from(`${code} ${stderr.length} ${stdout.length} ${inline ? 'i' : 'c'}\n`), stderr, stdout]);
}
