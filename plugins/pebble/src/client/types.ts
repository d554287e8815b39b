/** A Pebble layer (the YAML document `/v1/layers` adds and `/v1/plan` returns), in Pebble's field names. */
export interface Layer {
  summary?: string;
  description?: string;
  services?: Record<string, ServiceSpec>;
  checks?: Record<string, CheckSpec>;
}

export interface ServiceSpec {
  override: 'merge' | 'replace';
  summary?: string;
  description?: string;
  command?: string;
  startup?: 'enabled' | 'disabled';
  environment?: Record<string, string>;
  'working-dir'?: string;
  user?: string;
  'user-id'?: number;
  group?: string;
  'group-id'?: number;
  after?: string[];
  before?: string[];
  requires?: string[];
  'on-success'?: string;
  'on-failure'?: string;
  'on-check-failure'?: Record<string, string>;
  'backoff-delay'?: string;
  'backoff-factor'?: number;
  'backoff-limit'?: string;
  'kill-delay'?: string;
}

export interface CheckSpec {
  override: 'merge' | 'replace';
  level?: 'alive' | 'ready';
  startup?: 'enabled' | 'disabled';
  period?: string;
  timeout?: string;
  threshold?: number;
  http?: { url: string; headers?: Record<string, string> };
  tcp?: { port: number; host?: string };
  exec?: { command: string; 'service-context'?: string; environment?: Record<string, string>; 'working-dir'?: string; user?: string; group?: string };
}

export interface ServiceInfo {
  name: string;
  startup: 'enabled' | 'disabled';
  current: 'active' | 'inactive' | 'error' | 'backoff';
  /** When the service entered its current state (RFC 3339), if Pebble says. */
  currentSince?: string;
}

export interface CheckInfo {
  name: string;
  level?: string;
  status: 'up' | 'down';
  failures: number;
  threshold: number;
  /** `enabled` or `disabled` (newer Pebble), if given. */
  startup?: string;
  /** The id of the check's current perform-check or recover-check change, if given. */
  changeId?: string;
}

export interface Notice {
  id: string;
  type: string;
  key: string;
  firstOccurred: string;
  lastOccurred: string;
  lastRepeated: string;
  occurrences: number;
  lastData?: Record<string, string>;
  /** The user the notice belongs to; undefined for public notices. */
  userId?: number;
  repeatAfter?: string;
  expireAfter?: string;
}

export interface FileInfo {
  path: string;
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'socket' | 'named-pipe' | 'device' | 'unknown';
  size?: number;
  permissions: number;
  lastModified: string;
  user?: string;
  userId?: number;
  group?: string;
  groupId?: number;
}

export interface TaskProgress {
  label: string;
  done: number;
  total: number;
}

export interface Task {
  id: string;
  kind: string;
  summary: string;
  status: string;
  log: string[];
  progress: TaskProgress;
  spawnTime: string;
  readyTime?: string;
  data?: Record<string, unknown>;
}

/** A Pebble change (`/v1/changes/{id}`): status is one of Do, Doing, Done, Abort, Undo, Undoing, Hold, Error. */
export interface Change {
  id: string;
  kind: string;
  summary: string;
  status: string;
  tasks: Task[];
  ready: boolean;
  err?: string;
  spawnTime: string;
  readyTime?: string;
  data?: Record<string, unknown>;
}

export interface SystemInfo {
  version: string;
  bootId?: string;
}
