import { type DestinationStream, type Logger, pino } from 'pino';
import pretty from 'pino-pretty';

export type ServerLog = Logger;

export interface ServerLogOptions {
  /** Where lines go (default: standard output). */
  readonly stream?: DestinationStream;
  /** pino-pretty's colourised lines instead of JSON (what a terminal gets), on this file descriptor (default 1). */
  readonly pretty?: boolean;
  readonly fd?: number;
  /** Logs nothing (library and test use of the server). */
  readonly silent?: boolean;
}

/**
 * `sluice serve`'s log: pino, one JSON object a line (`level`, `time`, `msg`, and the event's
 * fields), or pino-pretty's lines when a person watches a terminal. Written synchronously, so a
 * line is out before the event's next step, and none is lost on exit.
 */
export function createServerLog(o: ServerLogOptions = {}): ServerLog {
  if (o.silent) return pino({ level: 'silent' });
  const base = { base: { name: 'sluice' } };
  if (o.pretty) {
    return pino(
      base,
      pretty({
        colorize: true,
        sync: true,
        // the event's fields after the message, on its line: one line an event, as in the JSON form
        singleLine: true,
        translateTime: 'SYS:HH:MM:ss',
        ignore: 'pid,hostname,name',
        destination: o.fd ?? 1,
      }),
    );
  }
  return pino(base, o.stream ?? pino.destination({ fd: 1, sync: true }));
}
