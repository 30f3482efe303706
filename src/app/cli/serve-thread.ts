import { existsSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { EXIT } from './exit-codes.js';

const ENTRY = new URL('./serve-thread-entry.js', import.meta.url);

/**
 * The serving thread's heap. A gateway's requests live about a millisecond,
 * yet under sustained load V8 lets the young generation of the main thread
 * grow to 32 MB (the limit can only be set on the command line, before the
 * heap exists). On a worker thread it is a documented resource limit: 12 MB
 * here, 4 MB semi-spaces.
 */
export const SERVE_THREAD_LIMITS = { maxYoungGenerationSizeMb: 12 } as const;

export interface StopMessage {
  readonly type: 'stop';
}

export interface ExitMessage {
  readonly type: 'exit';
  readonly exitCode: number;
}

/** Whether `sluice serve` should hop to its own thread: the process's own command line, on its main thread, built. */
export function servesOnThread(
  processArgv: readonly string[] | undefined,
  env: NodeJS.ProcessEnv,
): processArgv is readonly string[] {
  return (
    processArgv !== undefined && isMainThread && env.SLUICE_SERVE_THREAD !== 'off' && existsSync(fileURLToPath(ENTRY))
  );
}

/**
 * Runs the same command line on the serving thread and waits for it: SIGINT
 * and SIGTERM are handed on as a stop message (signals reach only the main
 * thread); a second signal ends the thread at once (exit 128 + the signal's
 * number, as the signal alone would). The thread's exit code becomes the
 * command's. Standard output and error pass through.
 */
export function serveOnThread(argv: readonly string[], stderr: (text: string) => void): Promise<number> {
  const worker = new Worker(ENTRY, { workerData: { argv }, resourceLimits: SERVE_THREAD_LIMITS });
  let exitCode: number | undefined;
  let signalled = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (!signalled) {
      signalled = true;
      worker.postMessage({ type: 'stop' } satisfies StopMessage);
      return;
    }
    // A second signal while a stop is under way (or while start-up hangs, say
    // on a store that does not answer) stops the thread where it stands, as
    // the signal would stop a process without one.
    stderr(`sluice serve: ${signal} again: stopping now, without waiting for requests in flight or unwritten traces\n`);
    exitCode = 128 + (osConstants.signals[signal] ?? 0);
    void worker.terminate();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return new Promise<number>((resolve) => {
    worker.on('message', (m: ExitMessage) => {
      if (m.type === 'exit') exitCode ??= m.exitCode;
    });
    worker.on('error', (e) => {
      stderr(`sluice serve: the serving thread failed: ${e.message}\n`);
      exitCode ??= EXIT.failed;
    });
    worker.on('exit', (code) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(exitCode ?? (code === 0 ? EXIT.ok : EXIT.failed));
    });
  });
}

let stopping: Promise<void> | undefined;

/**
 * Resolves when this process is asked to stop: a signal on the main thread,
 * the stop message on the serving thread. The same promise every call, so the
 * serving thread listens from its first line on and never misses an early stop.
 */
export function stopRequested(): Promise<void> {
  stopping ??= new Promise<void>((resolve) => {
    if (isMainThread) {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }
    parentPort?.on('message', function onStop(m: StopMessage) {
      if (m?.type !== 'stop') return;
      parentPort?.off('message', onStop);
      resolve();
    });
  });
  return stopping;
}
