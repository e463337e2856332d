/** Field shapes the definition's schemas share, with messages that name the bound. Pure. */
import { z } from 'zod';

/** A named connection (`direct`, `proxy`, any FAULTLINE_CONNECTION_<NAME>): never a DSN. */
export const CONNECTION_NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/** A whole number in [min, max]. */
export const wholeNumber = (min: number, max: number, what = 'a whole number') =>
  z.number().int(`must be ${what}`).min(min, `must be >= ${min}`).max(max, `must be <= ${max}`);

/** A whole number of seconds in [min, max]. */
export const wholeSeconds = (min: number, max: number) => wholeNumber(min, max, 'a whole number of seconds');

/** A pause drawn uniformly in [min, max] seconds (0.1-0.5 by default, seed 001's); 0/0 = no pause. */
export const thinkTimeSeconds = () =>
  z
    .object({
      min: z.number().min(0, 'must be >= 0').max(60, 'must be <= 60').default(0.1),
      max: z.number().min(0, 'must be >= 0').max(60, 'must be <= 60').default(0.5),
    })
    .strict()
    .default({ min: 0.1, max: 0.5 })
    .refine((t) => t.min <= t.max, { message: 'min must be <= max' });
