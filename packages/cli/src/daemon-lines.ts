/** The line a foreground daemon prints on stdout once it serves its socket. */
export const READY_LINE = 'lucky-daemon-ready';
/** The line it prints when another daemon for the unit is running or starting. */
export const ALREADY_RUNNING_LINE = 'lucky-daemon-already-running';
