// The light entry used by `lucky` client commands: no valibot, yaml or tslog, so
// a command a script runs starts as fast as Node itself.
export { ErrorCode, LuckyError, isLuckyError, isSystemError, errorCodeName } from '@lucky/errors';
export { DaemonClient, type CallOptions } from './rpc/client.js';
export type { RpcMethods, RpcMethodName, RpcParams, RpcResult, WorkloadState, HookOutput, ContainerEdit } from './rpc/methods.js';
export { PROTOCOL_VERSION, MAX_FRAME_BYTES, RpcErrorCode } from './rpc/protocol.js';
export { resolveSocketPath, resolveDataDir, unitSlug } from './paths.js';
export { parseWorkloadState, consolidateStatus } from './status.js';
export { isProcessRunning } from './system/process-alive.js';
export { charmFingerprint } from './daemon/fingerprint.js';
