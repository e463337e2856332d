/**
 * The experiment definition: one JSON document, validated before anything is touched (by the CLI
 * and again by the workflow). Chaos Toolkit's vocabulary: a steady-state hypothesis, a method
 * (the fault and its phases) and a rollback (the restore, which always runs). Pure.
 */
import { z } from 'zod';
import { httpWorkloadSchema } from './http-workload-schema';
import { paymentWorkloadSchema } from './payment-settings';
import { CONTAINER_NAME, dockerTargetSchema } from './container-target-schema';
import { networkFaultSchema, networkFaultIssues } from './network-fault-schema';
import { patroniFaultSchema } from './patroni-fault-schema';
import { CONNECTION_NAME, wholeNumber, wholeSeconds } from './schema-fields';
import { formatIssues, workloadSettingsSchema } from './workload-settings';

/** Signals that freeze (or thaw) a process rather than end it. */
const STOP_SIGNALS = ['SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGCONT'];

export const dockerFaultSchema = z
  .object({
    kind: z.literal('docker'),
    action: z.enum(['stop', 'kill', 'pause', 'restart', 'network-disconnect']),
    target: dockerTargetSchema,
    /** stop / restart: seconds Docker waits after the stop signal before SIGKILL. */
    gracePeriodSeconds: wholeSeconds(0, 300).default(10),
    /**
     * kill: the signal to send. Stop signals are refused: the process freezes while Docker reports the
     * container running, so nothing could see or undo it (action `pause` freezes, and is undone).
     */
    signal: z
      .string()
      .regex(/^SIG[A-Z0-9]{2,10}$/, 'must be a signal name like SIGKILL')
      .refine((signal) => !STOP_SIGNALS.includes(signal), {
        message:
          'stop signals (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU) and SIGCONT are refused: Docker would report the container running while it is frozen, so no restore could undo it; use action "pause" to freeze a container',
      })
      .default('SIGKILL'),
    /** network-disconnect: the network to disconnect from (default: every network of the container). */
    network: z.string().regex(CONTAINER_NAME, 'must be a network name').optional(),
  })
  .strict();

const RDS_ID = /^[a-zA-Z][a-zA-Z0-9-]{0,62}$/;

export const rdsFaultSchema = z
  .object({
    kind: z.literal('rds'),
    action: z.enum(['failover-cluster', 'reboot-instance']),
    /** The Aurora cluster (DBClusterIdentifier); it must carry the tag faultline:target=true. */
    cluster: z.string().regex(RDS_ID, 'must be a DB cluster identifier'),
    /** failover-cluster: the replica to promote (default: RDS chooses). */
    targetInstance: z.string().regex(RDS_ID, 'must be a DB instance identifier').optional(),
    /** reboot-instance: the instance to reboot (default: the current writer). */
    instance: z.string().regex(RDS_ID, 'must be a DB instance identifier').optional(),
    /** reboot-instance: RebootDBInstance's ForceFailover (Multi-AZ DB instances only; refused on Aurora). */
    forceFailover: z.boolean().default(false),
    /** AWS region (default: the SDK's chain, AWS_REGION). */
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region like eu-west-1')
      .optional(),
    waitTimeoutSeconds: wholeSeconds(10, 3600).default(900),
    pollIntervalMs: wholeNumber(100, 60_000).default(2000),
  })
  .strict();

export { dockerTargetSchema };

export const faultSchema = z.discriminatedUnion('kind', [
  dockerFaultSchema,
  rdsFaultSchema,
  patroniFaultSchema,
  networkFaultSchema,
]);

export const experimentSchema = z
  .object({
    name: z
      .string()
      .min(1, 'must not be empty')
      .max(100, 'must be at most 100 characters')
      .regex(
        /^[A-Za-z0-9][\w .:@()-]*$/,
        'must start with a letter or digit; then letters, digits, spaces and . : @ ( ) - _ only',
      ),
    description: z.string().max(2000, 'must be at most 2000 characters').optional(),
    /** Named connection paths, one workload each (resolved from the environment by the worker). */
    paths: z
      .array(z.string().regex(CONNECTION_NAME, 'must be a connection name (lowercase letters, digits, - and _)'))
      .min(1, 'needs at least one path')
      .max(8, 'at most 8 paths')
      .refine((p) => new Set(p).size === p.length, { message: 'paths must not repeat' })
      .default(['direct']),
    // A prefault, parsed like a given workload: the JSON Schema keeps a transformed field's only as input.
    workload: workloadSettingsSchema.prefault(workloadSettingsSchema.parse({})),
    /** The fault to inject. Without one the experiment is a baseline: it measures for faultSeconds. */
    fault: faultSchema.optional(),
    /** Your own service's HTTP API, measured beside the database paths (docs/your-own-service.md). */
    http: httpWorkloadSchema.optional(),
    /** Payments through the payment service during the experiment, audited afterwards (seed 000). */
    payments: paymentWorkloadSchema.optional(),
    durations: z
      .object({
        warmupSeconds: wholeSeconds(1, 3600).default(10),
        faultSeconds: wholeSeconds(1, 3600).default(10),
        recoveryTimeoutSeconds: wholeSeconds(1, 3600).default(60),
      })
      .strict()
      .default({ warmupSeconds: 10, faultSeconds: 10, recoveryTimeoutSeconds: 60 }),
    /** The steady-state hypothesis: over a window, success rate at least X and p99 at most Y. */
    steadyState: z
      .object({
        minSuccessRate: z.number().min(0, 'must be >= 0').max(1, 'must be <= 1').default(0.99),
        maxP99Ms: z.number().positive('must be > 0').max(600_000, 'must be <= 600000').default(1000),
        windowSeconds: wholeSeconds(1, 300).default(3),
      })
      .strict()
      .default({ minSuccessRate: 0.99, maxP99Ms: 1000, windowSeconds: 3 }),
    /** Abort automatically when, after the fault window, failures stay above maxErrorRate for forSeconds. */
    stopConditions: z
      .object({
        maxErrorRate: z.number().min(0, 'must be >= 0').max(1, 'must be <= 1'),
        forSeconds: wholeSeconds(1, 3600),
      })
      .strict()
      .optional(),
    /** Repeat the fault: `times` faults, one every `everySeconds` (from one injection to the next). */
    repeat: z
      .object({
        times: wholeNumber(1, 1000),
        everySeconds: wholeSeconds(2, 86_400),
        /** The experiment continues as new after this many faults, so its history stays small. */
        cyclesPerRun: wholeNumber(1, 50).default(10),
      })
      .strict()
      .optional(),
    /** The dead man's switch: a Docker fault still on this long after its window ends is restored by any faultline worker. */
    safety: z
      .object({
        leaseGraceSeconds: wholeSeconds(5, 3600).default(30),
      })
      .strict()
      .default({ leaseGraceSeconds: 30 }),
    report: z
      .object({
        /** Relative to the worker's reports root (FAULTLINE_REPORTS_DIR); it may not leave it. */
        directory: z
          .string()
          .min(1)
          .max(500)
          .regex(/^[^\0]+$/, 'must be a path')
          .refine((d) => !d.startsWith('/') && !/^[a-zA-Z]:/.test(d) && !d.split(/[\\/]/).includes('..'), {
            message: "must be a relative path inside the worker's reports root (no leading /, no ..)",
          })
          .default('reports'),
      })
      .strict()
      .default({ directory: 'reports' }),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.fault?.kind === 'network') {
      for (const issue of networkFaultIssues(d.fault))
        ctx.addIssue({ code: 'custom', ...issue, path: ['fault', ...issue.path] });
    }
    for (const [i, t] of (d.http?.targets ?? []).entries())
      if (d.paths.includes(t))
        ctx.addIssue({ code: 'custom', path: ['http', 'targets', i], message: `"${t}" is also a database path` });
    if (d.repeat && !d.fault) ctx.addIssue({ code: 'custom', path: ['repeat'], message: 'needs a fault to repeat' });
    if (d.repeat && d.repeat.everySeconds <= d.durations.faultSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['repeat', 'everySeconds'],
        message: `must be greater than durations.faultSeconds (${d.durations.faultSeconds})`,
      });
    }
  });

export type ExperimentDefinition = z.output<typeof experimentSchema>;
export type DockerFault = z.output<typeof dockerFaultSchema>;
export type RdsFault = z.output<typeof rdsFaultSchema>;
export type { NetworkFault } from './network-fault-schema';
export type { PatroniFault } from './patroni-fault-schema';
export type Fault = z.output<typeof faultSchema>;
export type FaultKind = Fault['kind'];

/** Largest definition accepted (bytes of JSON). */
export const MAX_DEFINITION_BYTES = 64 * 1024;

export class InvalidExperimentError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid experiment definition: ${problems.join('; ')}`);
    this.name = 'InvalidExperimentError';
  }
}

/** Validates a definition; throws InvalidExperimentError naming every bad field. */
export function parseExperiment(input: unknown): ExperimentDefinition {
  const size = JSON.stringify(input ?? null)?.length ?? 0;
  if (size > MAX_DEFINITION_BYTES)
    throw new InvalidExperimentError([`(document): ${size} bytes, at most ${MAX_DEFINITION_BYTES}`]);
  const parsed = experimentSchema.safeParse(input);
  if (!parsed.success) throw new InvalidExperimentError(formatIssues(parsed.error));
  return parsed.data;
}

/** A short text naming the fault, for search attributes and summaries. */
export function describeFault(fault: Fault | undefined): { fault: string; target: string } {
  if (!fault) return { fault: 'none', target: 'none' };
  return { fault: `${fault.kind}:${fault.action}`, target: targetText(fault) };
}

function targetText(fault: Fault): string {
  switch (fault.kind) {
    case 'rds':
    case 'patroni':
      return fault.cluster;
    case 'docker':
    case 'network':
      return fault.target.container ?? `label:${fault.target.label}`;
    default:
      return fault satisfies never;
  }
}
