import { SluiceError } from './errors.js';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** A look-back such as `45s`, `30m`, `1h`, `2d` or `1w`, in milliseconds; anything else is bad usage naming the flag. */
export function parseDuration(text: string, flag = '--since'): number {
  const m = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : NaN;
  if (!(ms > 0) || !Number.isFinite(ms)) {
    throw new SluiceError('bad_usage', `${flag} takes a duration such as 30m, 1h or 2d, not "${text}"`);
  }
  return ms;
}
