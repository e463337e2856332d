/** Which container a fault acts on: exactly one, by name or by label. Pure. */
import { z } from 'zod';

export const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
export const LABEL = /^[a-zA-Z0-9][a-zA-Z0-9_./-]{0,127}(=[^\s]{0,256})?$/;

export const dockerTargetSchema = z
  .object({
    container: z.string().regex(CONTAINER_NAME, 'must be a container name').optional(),
    label: z.string().regex(LABEL, 'must be a label, key or key=value').optional(),
  })
  .strict()
  .refine((t) => (t.container === undefined) !== (t.label === undefined), {
    message: 'give exactly one of container or label',
  });
