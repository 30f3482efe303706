/** Anything a process shuts down: a sink, a server, a subscription, a timer. */
export interface Closable {
  close(): Promise<void>;
}

/**
 * Closes in reverse order of creation — what was made last (and may use what
 * came before it) is closed first — one after the other. Every part is closed
 * even when one fails; the first failure is thrown once all are done.
 */
export async function closeInReverse(parts: readonly Closable[]): Promise<void> {
  let first: { error: unknown } | undefined;
  for (let i = parts.length - 1; i >= 0; i--) {
    try {
      await parts[i]!.close();
    } catch (error) {
      first ??= { error };
    }
  }
  if (first) throw first.error;
}
