/**
 * Workload settings, with the defaults of seed 001: weights read/write/transaction 70/20/10,
 * 3 concurrent workers, a pool of 5 connections, 0.1-0.5 s of think time per worker. Pure: the
 * workflow validates with it too.
 */
import { z } from 'zod';
import { CONNECTION_NAME, thinkTimeSeconds, wholeNumber } from './schema-fields';
import { firstKeyword, hasSecondStatement, highestPlaceholder, PLANNABLE } from './sql-text';

const weight = wholeNumber(0, 100);

/** A value for one of a custom statement's $n: given as is, or drawn for each run. */
const parameterSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z
    .object({ randomInt: z.tuple([z.number().int(), z.number().int()]) })
    .strict()
    .refine((p) => p.randomInt[0] <= p.randomInt[1], { message: 'randomInt: [min, max] with min <= max' }),
  z.object({ pick: z.array(z.union([z.string(), z.number()])).min(1, 'pick: at least one value') }).strict(),
  z.object({ uuid: z.literal(true) }).strict(),
]);

/**
 * A user's own operation (`workload.custom`): one SQL statement, run with its parameters at its
 * weight among the custom operations. With any, they replace the business mix.
 */
export const customOperationSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'lowercase letters, digits and _, starting with a letter'),
    weight: wholeNumber(1, 1000),
    /** read or write (a write's outage is a write outage); by default inferred (sql-text.ts). */
    type: z.enum(['read', 'write']).optional(),
    statement: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(10_000, 'at most 10000 characters')
      .refine((sql) => !hasSecondStatement(sql), { message: 'one statement only (no ; between statements)' })
      .refine((sql) => sql === '' || (PLANNABLE as readonly string[]).includes(firstKeyword(sql)), {
        message: `must be a statement EXPLAIN can plan: ${PLANNABLE.map((k) => k.toUpperCase()).join(', ')}`,
      }),
    parameters: z.array(parameterSchema).max(100).default([]),
  })
  .strict()
  .superRefine((op, ctx) => {
    const highest = highestPlaceholder(op.statement);
    if (highest !== op.parameters.length)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['parameters'],
        message: `the statement uses ${highest === 0 ? 'no $n' : `$1..$${highest}`}: give ${highest} parameter${highest === 1 ? '' : 's'} (got ${op.parameters.length})`,
      });
  });

export type CustomOperation = z.output<typeof customOperationSchema>;
export type CustomParameter = z.output<typeof parameterSchema>;

/**
 * How the workers reach the database (workload-connections.ts): `dedicated`, each worker keeps its
 * own connection, its statements on a wire session; `pool`, the workers share a pg pool of poolSize.
 */
const WORKLOAD_CLIENTS = ['dedicated', 'pool'] as const;
export type WorkloadClient = (typeof WORKLOAD_CLIENTS)[number];

/** The default client: `dedicated` when the pool has a connection for every worker (the path's totals). */
const defaultClient = (s: { poolSize: number; concurrentWorkers: number }): WorkloadClient =>
  s.poolSize >= s.concurrentWorkers ? 'dedicated' : 'pool';

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
    /** Resolved once, on the whole path's settings, so every shard measures with the same client. */
    client: z
      .enum(WORKLOAD_CLIENTS)
      .optional()
      .describe(
        'How the workers reach the database: "dedicated" (each worker keeps its own connection) or "pool" ' +
          '(the workers share a pg pool of poolSize). Default: "dedicated" when poolSize >= concurrentWorkers, else "pool".',
      ),
    /** Pause between a worker's operations, drawn uniformly in [min, max] seconds; 0/0 = closed loop. */
    thinkTimeSeconds: thinkTimeSeconds(),
    connectTimeoutMs: wholeNumber(100, 60_000).default(3000),
    /**
     * The TCP handshake alone may take this long before it is tried again (a SYN lost while the
     * server's port comes back would cost the kernel's 1 s retransmit). Raise it for a database more
     * than about 100 ms away.
     */
    tcpConnectTimeoutMs: wholeNumber(50, 60_000).default(250),
    /**
     * An operation outstanding this long is a stall: the path is unavailable from its start (see the
     * definition of downtime, docs/downtime.md). Latency spikes below it never count as downtime.
     */
    stallThresholdMs: wholeNumber(50, 600_000).default(1000),
    statementTimeoutMs: wholeNumber(100, 300_000).default(15_000),
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
    /**
     * The audit of the business mix's writes after recovery (docs/audits.md): every order, log and
     * purchase the workload made is looked for on the writer, through `connection` (by default each
     * path's own). Custom statements carry no identity: they are not audited.
     */
    writeAudit: z
      .object({
        enabled: z.boolean().default(true),
        connection: z.string().regex(CONNECTION_NAME, 'must be a connection name').optional(),
      })
      .strict()
      .default({ enabled: true }),
    /** Your own statements instead of the business mix (seed 001), which stays the default. */
    custom: z
      .array(customOperationSchema)
      .max(100)
      .optional()
      .refine((ops) => !ops || new Set(ops.map((o) => o.name)).size === ops.length, {
        message: 'operation names must be unique',
      }),
  })
  .strict()
  .refine((s) => !s.custom?.length || !s.pgbench.enabled, {
    message: 'background pgbench runs the business mix: not with custom operations',
    path: ['pgbench', 'enabled'],
  })
  .refine((s) => s.shards <= s.concurrentWorkers, {
    message: 'at most one shard per concurrent worker (shards <= concurrentWorkers)',
    path: ['shards'],
  })
  .superRefine((s, ctx) => {
    if (s.client === 'dedicated' && s.poolSize < s.concurrentWorkers)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['client'],
        message: `"dedicated" opens a connection for each of the ${s.concurrentWorkers} workers, more than poolSize ${s.poolSize} allows: raise poolSize to ${s.concurrentWorkers}, or use "pool"`,
      });
  })
  .transform((s) => ({ ...s, client: s.client ?? defaultClient(s) }));

export type WorkloadSettings = z.output<typeof workloadSettingsSchema>;

/** The business mix's writes are ledgered and audited (`writeAudit`); custom statements carry no identity. */
export const writesAudited = (w: Pick<WorkloadSettings, 'writeAudit' | 'custom'>): boolean =>
  w.writeAudit.enabled && !w.custom?.length;

/** Part `index` of `total` split in `count` parts, the first parts taking the remainder. */
export const shareOf = (total: number, index: number, count: number): number =>
  Math.floor(total / count) + (index < total % count ? 1 : 0);

/**
 * Shard `index` of `count`'s part of the settings: its share of the workers and of the pool (the
 * first shards take the remainder), background pgbench on shard 0 only. The client stays the path's:
 * a `dedicated` path has poolSize >= concurrentWorkers, and a share never falls below the share of a
 * smaller total, so each of its shards has a connection for every one of its workers.
 */
export function shardSettings(settings: WorkloadSettings, index: number, count: number): WorkloadSettings {
  if (count === 1) return settings;
  const share = (total: number) => shareOf(total, index, count);
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
