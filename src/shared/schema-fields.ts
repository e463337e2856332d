/** Field shapes the definition's schemas share, with messages that name the bound. Pure. */
import { z } from 'zod';

/** A named connection (`direct`, `proxy`, any FAULTLINE_CONNECTION_<NAME>): never a DSN. */
export const CONNECTION_NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/** A whole number in [min, max]. */
export const wholeNumber = (min: number, max: number, what = 'a whole number') =>
  z.number().int(`must be ${what}`).min(min, `must be >= ${min}`).max(max, `must be <= ${max}`);

/** A whole number of seconds in [min, max]. */
export const wholeSeconds = (min: number, max: number) => wholeNumber(min, max, 'a whole number of seconds');
