export { tempDir, removeDir } from './temp-dir.js';
export { LUCKY_BIN, lucky, type LuckyResult } from './lucky.js';
export { startTestDaemon, socketExists, type TestDaemon } from './daemon.js';
export { writeCharm, type CharmFiles } from './charm.js';
export { waitFor } from './wait.js';
export { TestModel, type ProbeResult } from './sim.js';
