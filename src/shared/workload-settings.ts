/**
 * Workload settings, with the defaults of seed 001: weights read/write/transaction 70/20/10,
 * 3 concurrent workers, a pool of 5 connections, 0.1-0.5 s of think time per worker. Pure: the
 * workflow validates with it too.
 */
import { z } from 'zod';
import { wholeNumber } from './schema-fields';

const weight = wholeNumber(0, 100);

export const workloadSettingsSchema = z
  .object({
    weights: z
      .object({
        read: weight.default(70),
        write: weight.default(20),
        transaction: weight.default(10),
      })
      .strict()
      .default({ read: 70, write: 20, transaction: 10 })
      .refine((w) => w.read + w.write + w.transaction === 100, {
        message: 'read + write + transaction must add up to 100',
      }),
    /** Concurrent workers (the seed's --concurrent-workers). */
    concurrentWorkers: wholeNumber(1, 512).default(3),
    /** Connections in the pool (the seed: 5). */
    poolSize: wholeNumber(1, 512).default(5),
    /** Pause between a worker's operations, drawn uniformly in [min, max] seconds; 0/0 = closed loop. */
    thinkTimeSeconds: z
      .object({
        min: z.number().min(0, 'must be >= 0').max(60, 'must be <= 60').default(0.1),
        max: z.number().min(0, 'must be >= 0').max(60, 'must be <= 60').default(0.5),
      })
      .strict()
      .default({ min: 0.1, max: 0.5 })
      .refine((t) => t.min <= t.max, { message: 'min must be <= max' }),
    connectTimeoutMs: wholeNumber(100, 60_000).default(3000),
    /**
     * The TCP handshake alone may take this long before it is tried again (a SYN lost while the
     * server's port comes back would cost the kernel's 1 s retransmit). Raise it for a database more
     * than about 100 ms away.
     */
    tcpConnectTimeoutMs: wholeNumber(50, 60_000).default(250),
    /**
     * An operation outstanding this long is a stall: the path is unavailable from its start (see the
     * README's definition of downtime). Latency spikes below it never count as downtime.
     */
    stallThresholdMs: wholeNumber(50, 600_000).default(1000),
    statementTimeoutMs: wholeNumber(100, 300_000).default(15_000),
    /**
     * The PostgreSQL client: `pg` (JavaScript) or `pg-native` (libpq, built by the provisioning
     * script): less client CPU per operation, but libpq's own connect timeout in whole seconds
     * instead of `tcpConnectTimeoutMs`, so after an outage it may reconnect up to about a second
     * later. Used when every worker has its own connection (poolSize >= concurrentWorkers).
     */
    driver: z.enum(['pg', 'pg-native']).default('pg'),
    /** Background load, like the seed's --enable-pgbench --pgbench-clients N. */
    pgbench: z
      .object({
        enabled: z.boolean().default(false),
        clients: wholeNumber(1, 256).default(10),
      })
      .strict()
      .default({ enabled: false, clients: 10 }),
    /**
     * Scale-out: each path's workload runs as this many activities, spread by Temporal over the
     * workers polling the `faultline` task queue (on one machine or many), each with its share of
     * the workers and the pool; their figures merge into one path report.
     */
    shards: wholeNumber(1, 64).default(1),
  })
  .strict()
  .refine((s) => s.shards <= s.concurrentWorkers, {
    message: 'at most one shard per concurrent worker (shards <= concurrentWorkers)',
    path: ['shards'],
  });

export type WorkloadSettings = z.output<typeof workloadSettingsSchema>;

/**
 * Shard `index` of `count`'s part of the settings: its share of the workers and of the pool (the
 * first shards take the remainder), background pgbench on shard 0 only.
 */
export function shardSettings(settings: WorkloadSettings, index: number, count: number): WorkloadSettings {
  if (count === 1) return settings;
  const share = (total: number) => Math.floor(total / count) + (index < total % count ? 1 : 0);
  return {
    ...settings,
    concurrentWorkers: share(settings.concurrentWorkers),
    poolSize: Math.max(1, share(settings.poolSize)),
    pgbench: index === 0 ? settings.pgbench : { ...settings.pgbench, enabled: false },
    shards: 1,
  };
}
export type WorkloadSettingsInput = z.input<typeof workloadSettingsSchema>;

/** `weights.read: must be <= 100` style messages, one per problem, each naming its field. */
export function formatIssues(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return `${field || '(document)'}: ${issue.message}`;
  });
}

export class InvalidSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid settings: ${problems.join('; ')}`);
    this.name = 'InvalidSettingsError';
  }
}

export function parseWorkloadSettings(input: unknown, prefix = ''): WorkloadSettings {
  const parsed = workloadSettingsSchema.safeParse(input ?? {});
  if (!parsed.success) throw new InvalidSettingsError(formatIssues(parsed.error, prefix));
  return parsed.data;
}
