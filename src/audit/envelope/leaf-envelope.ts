import { z } from 'zod';

/** A DSSE envelope as a log leaf holds it (its RFC 8785 JSON); signatures are checked elsewhere. */
const leafEnvelopeSchema = z.object({
  payload: z.string(),
  payloadType: z.string(),
  signatures: z.array(z.object({ keyid: z.string().optional(), sig: z.string() })),
});

export type LeafEnvelope = z.infer<typeof leafEnvelopeSchema>;

/** The envelope a leaf holds, or undefined when the bytes are not one. */
export function leafEnvelope(leaf: Uint8Array): LeafEnvelope | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(leaf).toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = leafEnvelopeSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
