/**
 * Network faults on one opted-in container, applied inside its network namespace (Pumba's and
 * Toxiproxy's ground): `latency` (delay with jitter on every packet it receives: every round trip is
 * that much longer), `loss` (a share of the packets it receives dropped), `blackhole` (every packet in and out dropped, or only those to and
 * from given containers: clients see timeouts, never refusals). Pure.
 */
import { z } from 'zod';
import { CONTAINER_NAME, dockerTargetSchema } from './container-target-schema';
import { wholeNumber } from './schema-fields';

/**
 * What `netfault loss PERCENT` (lab/nettools/netfault.sh) applies as given, PERCENT being
 * String(lossPercent): digits and an optional fraction (not 1e-7), turned into a probability of 6
 * decimals, so a percent of at most 4.
 */
const LOSS_PERCENT = /^[0-9]+(\.[0-9]{1,4})?$/;

export const networkFaultSchema = z
  .object({
    kind: z.literal('network'),
    action: z.enum(['latency', 'loss', 'blackhole']),
    target: dockerTargetSchema,
    /** latency: added to every packet the target receives (so to every round trip), in ms. */
    delayMs: wholeNumber(1, 60_000).optional(),
    /** latency: each packet's delay varies by up to this much either way (never reordering). */
    jitterMs: wholeNumber(0, 60_000).default(0),
    /** loss: the share of the packets the target receives that are dropped, in percent. */
    lossPercent: z
      .number()
      .gt(0, 'must be > 0')
      .max(100, 'must be <= 100')
      .refine((p) => p <= 0 || p > 100 || LOSS_PERCENT.test(String(p)), {
        message: 'must have at most 4 decimals (netfault drops in steps of 0.0001 %)',
      })
      .optional(),
    /** blackhole: only traffic to and from these containers (default: all traffic but loopback). */
    towards: z
      .array(z.string().regex(CONTAINER_NAME, 'must be a container name'))
      .min(1, 'give at least one container, or leave towards out')
      .max(16, 'at most 16 containers')
      .optional(),
  })
  .strict();

export type NetworkFault = z.output<typeof networkFaultSchema>;

/** Fields that belong together (checked with the whole definition; paths relative to the fault). */
export function networkFaultIssues(fault: NetworkFault): Array<{ path: string[]; message: string }> {
  const issues: Array<{ path: string[]; message: string }> = [];
  const only = (field: keyof NetworkFault, action: NetworkFault['action']) => {
    const given = fault[field] !== undefined && !(field === 'jitterMs' && fault.jitterMs === 0);
    if (given && fault.action !== action) issues.push({ path: [field], message: `applies to action "${action}" only` });
  };
  if (fault.action === 'latency' && fault.delayMs === undefined)
    issues.push({ path: ['delayMs'], message: 'is required for action "latency"' });
  if (fault.action === 'latency' && fault.delayMs !== undefined && fault.jitterMs > fault.delayMs)
    issues.push({ path: ['jitterMs'], message: `must be <= delayMs (${fault.delayMs})` });
  if (fault.action === 'loss' && fault.lossPercent === undefined)
    issues.push({ path: ['lossPercent'], message: 'is required for action "loss"' });
  only('delayMs', 'latency');
  only('jitterMs', 'latency');
  only('lossPercent', 'loss');
  only('towards', 'blackhole');
  return issues;
}
