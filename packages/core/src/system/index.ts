// Small system helpers shared by every Lucky package (`@lucky/core/system`):
// node built-ins only, so hook tools and the simulator can use them cheaply.
export { writeFileAtomic, writeFileAtomicSync, syncDirectory, type AtomicWriteOptions } from './atomic-write.js';
export { isProcessRunning } from './process-alive.js';
export { shellQuote } from './shell-quote.js';
export { endProcessGroup, processGroupAlive, processStartTime } from './process-group.js';
// The unit daemon's pid lock, also the simulator's model server's (one server per model).
export { acquirePidLock } from '../daemon/lock.js';
