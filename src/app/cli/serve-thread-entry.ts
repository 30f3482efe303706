// The serving thread (see serve-thread.ts): runs the command line it was
// given, as the main thread would, and reports its exit code.
import { parentPort, workerData } from 'node:worker_threads';
import { main } from './main.js';
import { stopRequested, type ExitMessage } from './serve-thread.js';

void stopRequested(); // listening before anything else can take time
const { argv } = workerData as { argv: readonly string[] };
const exitCode = await main(argv);
parentPort?.postMessage({ type: 'exit', exitCode } satisfies ExitMessage);
parentPort?.unref(); // an unanswered stop listener must not keep the thread alive
