import { THIN_CLIENT_FILE } from '@lucky/core';
/** How a built charm gets Node.js: its own binaries, or the machine's. */
export type RuntimeKind = 'bundled' | 'system';

/** The architectures a charm can be built for, by Juju's names. */
export const ARCHITECTURES = ['amd64', 'arm64'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/**
 * `lucky/bin/lucky`, the charm's `lucky` command (the dispatch file runs it). POSIX
 * sh, no absolute paths: it finds the runtime relative to itself. With the bundled
 * runtime it picks the Node binary of the machine's architecture and refuses, naming
 * both, on one the charm was not built for; with the system runtime it needs `node`
 * on PATH (lucky.cjs checks the version).
 */
export function launcherScript(runtime: RuntimeKind, architectures: readonly Architecture[]): string {
  const head = [
    '#!/bin/sh',
    '# The charm\'s lucky command, written by "lucky charm build".',
    'set -e',
    // Scripts call lucky often: find lucky/ without forking when $0 has a path, as it does from dispatch.
    'case "$0" in',
    '  */bin/lucky) here=${0%/bin/lucky} ;;',
    '  *) here=$(cd "$(dirname "$0")/.." && pwd) ;;',
    'esac',
  ];
  if (runtime === 'system') {
    return [
      ...head,
      'node=$(command -v node || true)',
      'if [ -z "$node" ]; then',
      '  echo "Error: this charm was built to use the machine\'s Node.js (lucky charm build --runtime system), but there is no node on PATH; install Node.js 20.19 or later, or build the charm with its own runtime (lucky charm build without --runtime system)." >&2',
      '  exit 1',
      'fi',
      ...run('"$node"'),
    ].join('\n');
  }
  const built = architectures.join(', ');
  const suggested = [...architectures, '$arch'].join(',');
  return [
    ...head,
    // What `uname -m` says, read without forking where the kernel has it (Linux >= 6.1): a fork is a noticeable part of a call.
    'if ! { read -r machine < /proc/sys/kernel/arch; } 2>/dev/null || [ -z "$machine" ]; then machine=$(uname -m); fi',
    'case "$machine" in',
    '  x86_64 | amd64) arch=amd64 ;;',
    '  aarch64 | arm64) arch=arm64 ;;',
    '  *) arch=$machine ;;',
    'esac',
    'node="$here/node-$arch/bin/node"',
    'if [ ! -x "$node" ]; then',
    `  echo "Error: this machine is $arch ($machine), but this charm's Lucky runtime was built for ${built} only; rebuild it with: lucky charm build --arch ${suggested}" >&2`,
    '  exit 1',
    'fi',
    ...run('"$node"'),
  ].join('\n');
}

/**
 * The launcher's last lines: with bash, the thin client (lucky-thin.bash, which asks the
 * unit's running daemon to run the command and otherwise runs the Node.js CLI itself),
 * else the Node.js CLI.
 */
function run(node: string): string[] {
  return [
    `[ ! -x /bin/bash ] || exec /bin/bash "$here/bin/${THIN_CLIENT_FILE}" ${node} "$here/bin/lucky.cjs" "$@"`,
    `exec ${node} "$here/bin/lucky.cjs" "$@"`,
    '',
  ];
}

/**
 * `lucky/bin/lucky.cjs`: the file Node runs. It sits in `bin/` like the package's own
 * bin/lucky.cjs, because the Docker plugin mounts the directory above the running
 * entry's directory into containers and runs `<that>/bin/lucky.cjs` there; it loads
 * the bundles one directory up: the fast path (lucky-fast.cjs), then, for a command
 * line the fast path leaves to it, the whole runtime (lucky.cjs). Plain ES5, so an old system Node gets the version
 * message rather than a syntax error.
 */
export function entryScript(): string {
  return [
    '#!/usr/bin/env node',
    "'use strict';",
    '// The entry of this charm\'s Lucky runtime, written by "lucky charm build".',
    // What `node --version` says, read in-process: a second node process per lucky call would double its start-up.
    "var v = process.versions.node.split('.').map(Number);",
    'if (v[0] < 20 || (v[0] === 20 && v[1] < 19) || (v[0] === 22 && v[1] < 12)) {',
    "  process.stderr.write('Error: Lucky needs Node.js ^20.19.0 or >=22.12.0, but ' + process.execPath + ' is ' + process.version + '; install a newer Node.js on this machine, or build the charm with its own (lucky charm build, without --runtime system).\\n');",
    '  process.exit(1);',
    '}',
    // Node >= 22.1 keeps the compiled bundles in $TMPDIR/node-compile-cache: scripts call lucky many times per hook, and compiling is much of a call.
    "var mod = require('module');",
    "if (typeof mod.enableCompileCache === 'function' && !process.env.NODE_DISABLE_COMPILE_CACHE) mod.enableCompileCache();",
    // The fast path (@lucky/cli's src/fast) runs what scripts call most without loading the whole CLI; it declines the rest.
    "require('../lucky-fast.cjs').run().then(function (done) {",
    "  if (!done) require('../lucky.cjs');",
    '});',
    '',
  ].join('\n');
}
