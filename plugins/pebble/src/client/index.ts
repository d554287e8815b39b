// Pebble's REST API over its Unix socket: the client and the wire helpers its server side shares.
export { PebbleClient, type PebbleClientOptions, type ServiceActionOptions, type PushOptions, type MakeDirOptions } from './client.js';
export type { ExecOptions } from './exec.js';
export { PebbleError, PebbleChangeError, PebblePathError, PebbleProtocolError } from './errors.js';
export type { Layer, ServiceSpec, CheckSpec, ServiceInfo, CheckInfo, Notice, FileInfo, Change, Task, TaskProgress, SystemInfo } from './types.js';
export { parseDuration, formatDuration } from './duration.js';
export { encodeMultipart, parseMultipart, boundaryOf, dispositionParams, newBoundary, type MultipartPart, type MultipartInput } from './multipart.js';
