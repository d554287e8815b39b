/** The status a shell gives a process killed by SIGPIPE (128 + 13), as `yes | head -1` leaves `yes`. */
export const BROKEN_PIPE_EXIT_CODE = 141;

/**
 * A reader that went away (`lucky kv get | head -c5`) makes the next write to
 * stdout or stderr fail with EPIPE. Node ignores SIGPIPE, so without this the
 * failed write is an uncaught error with a stack trace; a C program would die of
 * SIGPIPE, silently. Do the same: stop at once, write nothing more, and exit with
 * SIGPIPE's status. Other stream errors stay what they were.
 */
export function endQuietlyOnBrokenPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(BROKEN_PIPE_EXIT_CODE);
    throw error;
  });
}
