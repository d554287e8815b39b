export { tempDir, removeDir } from './temp-dir.js';
export { LUCKY_BIN, lucky, type LuckyResult } from './lucky.js';
export { startTestDaemon, socketExists, type TestDaemon } from './daemon.js';
export { writeCharm, type CharmFiles } from './charm.js';
export { waitFor } from './wait.js';
export { TestModel, type ProbeResult } from './sim.js';
export { useDockerEngine, pingDocker, DEFAULT_DOCKER_SOCKET, type DockerEngine } from './docker-engine.js';
export { testImage, useRegistry, TEST_IMAGE, type TestRegistry } from './docker-image.js';
export { ensureContainerPackages } from './debian.js';
