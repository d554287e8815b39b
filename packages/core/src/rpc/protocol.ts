/** Version of the daemon protocol; bumped on incompatible changes to methods or framing. */
export const PROTOCOL_VERSION = 1;

/** Frames larger than this are refused without being buffered whole. */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** JSON-RPC 2.0 reserved codes, used for protocol problems only. */
export const RpcErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
} as const;

export interface RpcRequest {
  readonly jsonrpc: '2.0';
  readonly id?: number | string | null;
  readonly method: string;
  readonly params?: unknown;
}

export interface RpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

export interface RpcResponse {
  readonly jsonrpc: '2.0';
  readonly id: number | string | null;
  readonly result?: unknown;
  readonly error?: RpcErrorObject;
}

/** A server-to-client notification, e.g. `hook.output` while a hook runs. */
export interface RpcNotification {
  readonly jsonrpc: '2.0';
  readonly method: string;
  readonly params: unknown;
}
