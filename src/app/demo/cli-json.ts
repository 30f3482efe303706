import { z } from 'zod';

/** What the demo reads of the CLI's JSON outputs (other fields are left out of these shapes). */
export const registered = z.object({ id: z.string(), changes: z.array(z.string()) });

export const verified = z.object({ ok: z.boolean(), entries: z.number().optional() });

export const overrideReceipts = z.array(
  z.object({ index: z.number(), actor: z.string(), predicate: z.object({ why: z.array(z.string()) }) }),
);

export const observeRollbackReceipts = z.array(
  z.object({
    index: z.number(),
    predicate: z.object({
      what: z.object({
        series: z.array(
          z.object({ mean: z.number().nullable(), detectors: z.record(z.string(), z.number().nullable()) }),
        ),
      }),
    }),
  }),
);
