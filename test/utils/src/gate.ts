/**
 * POSIX shell that waits for `file` to exist, for at most `seconds`, polling every 50 ms:
 * a test creates the file once it has seen what it needs, so a script's next step is
 * ordered by the test rather than by a sleep. `file` is inserted as given (quote it if needed).
 */
export function shellAwaitFile(file: string, seconds: number): string {
  return `i=0; while [ ! -e ${file} ] && [ $i -lt ${seconds * 20} ]; do sleep 0.05; i=$((i+1)); done`;
}
