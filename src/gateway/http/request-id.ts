import type { IncomingHttpHeaders } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';

const USABLE_ID = /^[\x21-\x7e]{1,128}$/;

/** The client's x-request-id when it is one line of 1 to 128 visible ASCII characters; otherwise a new one is made. */
export function clientRequestId(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' && USABLE_ID.test(v) ? v : undefined;
}

/** The id a refused request is answered with: the client's x-request-id when usable, else a new one. */
export function refusalId(headers: IncomingHttpHeaders): string {
  return clientRequestId(headers['x-request-id']) ?? requestId();
}

/**
 * A request's id: 32 hex digits, the first 12 the time in ms, the rest random.
 * Ids of one gateway sort by time, so stored traces append to the end of their
 * index instead of landing on a random page of it.
 */
export function requestId(now = Date.now()): string {
  const u = randomUUID(); // xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx: 78 random bits in the parts taken
  return now.toString(16).padStart(12, '0') + u.slice(9, 13) + u.slice(19, 23) + u.slice(24);
}

const cancels = new WeakMap<Socket, AbortController>();

/**
 * The signal that fires when the client's connection closes. One per
 * connection, not per request: a keep-alive connection carries one request at
 * a time, and whichever is in flight when it closes is the one to cancel.
 */
export function connectionSignal(socket: Socket): AbortSignal {
  let c = cancels.get(socket);
  if (!c) {
    const controller = new AbortController();
    socket.once('close', () => controller.abort(new Error('the client closed the connection')));
    c = controller;
    cancels.set(socket, c);
  }
  return c.signal;
}
