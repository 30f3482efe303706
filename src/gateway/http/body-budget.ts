/** Request-body bytes the gateway holds at once by default: 32 MiB (gateway.max_body_bytes_in_flight). */
export const DEFAULT_BODY_BYTES_IN_FLIGHT = 32 * 1024 * 1024;

/** One request's share of the budget: taken as its body arrives, given back when the request is over. */
export interface BodyReservation {
  /** Takes `n` more bytes; false (nothing taken) when the budget cannot spare them. */
  take(n: number): boolean;
  /** Gives back everything this request took; a second call does nothing. */
  release(): void;
}

/**
 * A ceiling on the request-body bytes held by all requests at once. A request
 * takes its body's size (the declared Content-Length up front, else each
 * chunk as it arrives) and keeps it until it is answered, since its parsed
 * form lives as long; one that would pass the ceiling is refused at once with
 * a 503 and `retry-after`, before its body is read. Memory then stays under
 * the ceiling (times the few copies a body has: bytes, text, parsed objects)
 * however many clients send large bodies together, and cheap endpoints
 * (/healthz, /readyz) keep answering.
 */
export class BodyBudget {
  private used = 0;

  constructor(readonly capacity: number = DEFAULT_BODY_BYTES_IN_FLIGHT) {
    if (!(Number.isSafeInteger(capacity) && capacity > 0))
      throw new RangeError(`the body budget must be a positive number of bytes, got ${capacity}`);
  }

  /** Bytes held right now. */
  get inUse(): number {
    return this.used;
  }

  reserve(): BodyReservation {
    let held = 0;
    let released = false;
    return {
      take: (n) => {
        if (released || this.used + n > this.capacity) return false;
        this.used += n;
        held += n;
        return true;
      },
      release: () => {
        if (released) return;
        released = true;
        this.used -= held;
        held = 0;
      },
    };
  }
}
