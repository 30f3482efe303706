// The gate bench's upstream, in its own process: Sluice's simulator behind its
// OpenAI-compatible HTTP API on 127.0.0.1, timeScale 0 (answers as soon as the
// answer text is computed; no simulated latency). Answers are the suite's
// references degraded per the project's sim/models.yaml, so judges score real text.
// Usage: node bench/gate/upstream.js PROJECT_DIR   (prints {"url": ...} once listening; exits when stdin closes)
import { simEngineFor } from '../../dist/providers/sim/create-sim-engine.js';
import { startSimServer } from '../../dist/providers/sim/sim-server.js';

const dir = process.argv[2];
const engine = simEngineFor({ models: 'sim/models.yaml', seed: 7 }, dir);
const server = await startSimServer({ engine, host: '127.0.0.1', timeScale: 0 });
console.log(JSON.stringify({ url: server.url, pid: process.pid }));

const stop = async () => {
  await server.close();
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
