/**
 * Faults on a Patroni cluster, found by its scope. Planned: `switchover` and `failover` through
 * Patroni's REST API. Unplanned: `kill-leader` (the leader's container killed) and
 * `partition-leader` (the leader cut off from the DCS and the clients by a network black hole). A
 * drill that loses writes: `lose-writes` (replication made asynchronous, the replicas' WAL held back
 * for `holdSeconds` while the leader acknowledges commits, then the leader killed; all put back). The
 * leader is asked of Patroni at inject time, never named in the definition. Pure.
 */
import { z } from 'zod';
import { wholeSeconds } from './schema-fields';

/** lose-writes: the hold when the definition gives none. */
export const DEFAULT_HOLD_SECONDS = 3;

const MEMBER = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

export const patroniFaultSchema = z
  .object({
    kind: z.literal('patroni'),
    action: z.enum(['switchover', 'failover', 'kill-leader', 'partition-leader', 'lose-writes']),
    /** Patroni's scope (the cluster's name in the DCS); its nodes carry it as a label. */
    cluster: z.string().regex(MEMBER, 'must be a Patroni scope').default('faultline-cluster'),
    /** switchover / failover: the member to promote (default: the healthiest replica). */
    candidate: z.string().regex(MEMBER, 'must be a Patroni member name').optional(),
    /** How long a new leader may take to be elected and serve before the inject fails. */
    electionTimeoutSeconds: wholeSeconds(5, 600).default(90),
    /** lose-writes: how long the leader acknowledges commits that no replica receives before it is killed (default 3). */
    holdSeconds: wholeSeconds(1, 30).optional(),
    /**
     * lose-writes: switch replication to asynchronous first (the default). false holds the WAL of the
     * cluster as it is: a synchronous one stalls its commits and promotes only its synchronous standby.
     */
    asynchronous: z.boolean().optional(),
  })
  .strict()
  .refine((f) => f.holdSeconds === undefined || f.action === 'lose-writes', {
    path: ['holdSeconds'],
    message: 'applies to action "lose-writes" only',
  })
  .refine((f) => f.asynchronous === undefined || f.action === 'lose-writes', {
    path: ['asynchronous'],
    message: 'applies to action "lose-writes" only',
  })
  .refine((f) => f.candidate === undefined || f.action === 'switchover' || f.action === 'failover', {
    path: ['candidate'],
    message: 'applies to actions "switchover" and "failover" only',
  });

export type PatroniFault = z.output<typeof patroniFaultSchema>;
