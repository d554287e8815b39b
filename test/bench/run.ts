// `pnpm bench`: prints every benchmark figure with its target. Not a test: figures
// on a shared machine vary, so nothing here fails a build.
import { benchCore } from './core.bench.js';
import { benchDocker } from './docker.bench.js';
import { benchPebble } from './pebble.bench.js';
import { benchSimulator } from './sim.bench.js';
import { benchBuild } from './build.bench.js';
import { benchHttpreq } from './httpreq.bench.js';

process.stdout.write('Lucky benchmarks\n\n');
await benchCore();
process.stdout.write('\nSimulator\n');
await benchSimulator();
process.stdout.write('\nContainers\n');
await benchDocker();
process.stdout.write('\nKubernetes containers (Pebble)\n');
await benchPebble();
process.stdout.write('\nCharm build\n');
await benchBuild();
process.stdout.write('\nhttpreq provider (issue 11)\n');
await benchHttpreq();
