/**
 * The payment service's vocabulary (seed 000), shared by the service, its workflow, faultline's
 * payment workload and audit, and the report. Pure.
 */
import type { LatencySummary, MeasurementGap } from './workload-types';
import type { WriteAccount } from './write-audit-types';

/** Workflow type of one payment (create, then confirm), on the `payment-service` task queue. */
export const PAYMENT_WORKFLOW_TYPE = 'payment';

/** The payment workflow's id: the order id is the idempotency key, so one order is one workflow. */
export const paymentWorkflowId = (orderId: string): string => `payment-${orderId}`;

export interface PaymentRequest {
  order_id: string;
  /** Currency units with at most two decimals, e.g. 100.5. */
  amount: number;
}

export type PaymentStatus = 'pending' | 'confirmed';

export interface Payment {
  order_id: string;
  amount: number;
  status: PaymentStatus;
  created_at: string;
  confirmed_at: string | null;
}

export interface PaymentWorkflowResult {
  payment: Payment;
  /** Attempts the create and the confirm activities took (1 = no retry). */
  createAttempts: number;
  confirmAttempts: number;
}

/** How a payment reaches the service: its HTTP API (the user's view) or its workflow (the durable path). */
export const PAYMENT_CHANNELS = ['http', 'workflow'] as const;
export type PaymentChannel = (typeof PAYMENT_CHANNELS)[number];

/** Figures for one kind of call (create or confirm) of one channel in one phase. */
export interface PaymentCallStats {
  calls: number;
  acknowledged: number;
  failed: number;
  /** Outcome -> count: HTTP status codes ("201", "503", ...), "timeout", "network", "started", "completed", "failed". */
  outcomes: Record<string, number>;
  /** Latency of every answered call, acknowledged or not. */
  latencyMs: LatencySummary;
  /** Retries the service made (HTTP: its database attempts - 1; workflow: activity attempts - 1). */
  retries: { total: number; max: number; histogram: Record<string, number> };
}

export interface PaymentPhaseStats {
  phase: string;
  channel: PaymentChannel;
  /** HTTP: POST /payments. Workflow: the start of the payment workflow. */
  create: PaymentCallStats;
  /** HTTP: POST /payments/:id/confirm. Workflow: the workflow's completion (latency from its start). */
  confirm: PaymentCallStats;
}

/**
 * What was acknowledged, per channel, in bounded memory: the order ids and amounts are derived
 * from a sequence number, so one byte per payment (run-length encoded here) says what the caller
 * was told and in which phase. Bit 0 created (acknowledged), bit 1 confirmed, bits 2-5 the index of
 * the phase in MEASURED_PHASES; a create not acknowledged has its answer in bits 6-7 (LEDGER_ANSWERS).
 * Code 0: no answer recorded (in flight when a lost worker's ledger was taken).
 */
export type PaymentLedger = Record<PaymentChannel, Array<[code: number, count: number]>>;

/** What the payment workload measured, as the report shows it. */
export interface PaymentWorkloadResult {
  channels: PaymentChannel[];
  ratePerSecond: number;
  phases: PaymentPhaseStats[];
  /** Calls not made because too many were already in flight (the client, not the service, was saturated). */
  skipped: number;
  gaps: MeasurementGap[];
  stoppedBy: 'signal' | 'duration' | 'cancelled';
}

/** Answers a payment service under a database outage must never give (it answers 503 and recovers). */
export interface UnexpectedPaymentAnswers {
  /** 5xx other than 503. */
  serverErrors: number;
  /** No answer within the request timeout. */
  timeouts: number;
  /** No HTTP answer at all: connection refused or reset by the service. */
  noAnswer: number;
}

/**
 * One attempt of the payment workload activity (a retry after a lost worker, or a run after a
 * continue-as-new, starts a new one): its order ids are `<prefix>-h<seq>` / `<prefix>-w<seq>`, and its
 * ledger says what each caller was told, as of `ledgerAt`. `complete`: the attempt ended normally and
 * its ledger is whole; otherwise payments issued after `ledgerAt` have an unknown acknowledgement.
 */
export interface PaymentSegment {
  prefix: string;
  ledger: PaymentLedger;
  ledgerAt: string;
  complete: boolean;
  /** The first sequence number of each fault cycle that began in this segment, per channel. */
  cycleStarts: Array<{ cycle: number; http: number; workflow: number }>;
}

/** What the workflow keeps of the payment workload; the figures and ledgers are in `stateFile`. */
export interface PaymentWorkloadSummary {
  stateFile: string;
  channels: PaymentChannel[];
  ratePerSecond: number;
  calls: number;
  acknowledged: number;
  unexpected: UnexpectedPaymentAnswers;
  gaps: MeasurementGap[];
  stoppedBy: PaymentWorkloadResult['stoppedBy'];
}

export interface PaymentAuditChannel {
  channel: PaymentChannel;
  acknowledged: number;
  found: number;
  lost: number;
  wrongAmount: number;
  /** Confirmation acknowledged (or the workflow path, which always confirms) but not confirmed. */
  stillPending: number;
  /** Acknowledged while the fault was on (phases inject and fault) and confirmed after the restore began. */
  acceptedDuringOutageCompletedAfter: number;
}

/**
 * The audit after recovery, in the audits' one vocabulary (WriteAccount: lost, duplicated, written
 * despite a refusal or a failure, unknown resolved), and the payment service's own checks: every
 * acknowledged payment with the right amount and final status.
 */
export interface PaymentAudit extends WriteAccount {
  checkedAt: string;
  /** How long the audit waited for pending payments to complete. */
  waitedMs: number;
  wrongAmount: number;
  stillPending: number;
  acceptedDuringOutageCompletedAfter: number;
  /** Per segment (attempt, or run after a continue-as-new): what its ledger holds. */
  bySegment: Array<{
    prefix: string;
    complete: boolean;
    ledgerAt: string;
    acknowledged: number;
    /** Its payments with no answer (in flight, or issued by a lost worker after its last checkpoint) found in the table. */
    unknownWritten: number;
  }>;
  /** When the last pending payment (accepted during the outage, or pending when the audit began) was confirmed. */
  lastPendingCompletedAt: string | null;
  /** Payments pending when the audit began. */
  pendingAtStart: number;
  byChannel: PaymentAuditChannel[];
  holds: boolean;
}

/** Amount of the n-th payment of a run, in cents: between 1.00 and 999.99, spread out. */
export const ledgerAmountCents = (seq: number): number => 100 + ((seq * 7919) % 99_900);

/** Order id of the n-th payment of a channel in a run. */
export const ledgerOrderId = (prefix: string, channel: PaymentChannel, seq: number): string =>
  `${prefix}-${channel === 'http' ? 'h' : 'w'}${seq}`;

export const LEDGER_CREATED = 1;
export const LEDGER_CONFIRMED = 2;
export const ledgerPhaseIndex = (code: number): number => (code >> 2) & 0xf;
/** The answer to a create that was not acknowledged, in bits 6-7 of its code. */
export const LEDGER_ANSWERS = { refused: 1, failed: 2, unknown: 3 } as const;
export const ledgerAnswerOf = (code: number): number => code >> 6;
