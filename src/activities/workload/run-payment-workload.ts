/**
 * `runPaymentWorkload`: payments at a steady rate against the payment service, on each channel:
 *
 * - `http`: POST /payments, then POST /payments/:id/confirm, as a user of the service would;
 * - `workflow`: start the payment workflow (task queue `payment-service`) and await its result.
 *
 * Open loop: a payment starts every 1/rate s whatever the answers, so an outage shows up as failed
 * or slow calls rather than as fewer calls. Each outcome is measured with its latency, status code
 * and retry count, and the ledger records what each caller was told, for the audit afterwards.
 * Started by an experiment, it follows its phases and stops at `report`; cancelled, it stops at
 * once and its CancelledFailure's details carry what it measured.
 */
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { activityInfo, CancelledFailure, Context, heartbeat } from '@temporalio/activity';
import { MEASURED_PHASES } from '../../shared/experiment-phases';
import { paymentWorkloadSchema, type PaymentWorkloadSettingsInput } from '../../shared/payment-settings';
import {
  ledgerAmountCents,
  ledgerOrderId,
  type PaymentChannel,
  type PaymentWorkflowResult,
  type PaymentWorkloadResult,
} from '../../shared/payment-types';
import { formatIssues, InvalidSettingsError } from '../../shared/workload-settings';
import { paymentServiceUrl } from '../../service/service-settings';
import { startPaymentWorkflow } from '../../service/start-payment-workflow';
import { sharedClient } from '../temporal-client';
import { ChannelLedger } from './payment-ledger';
import { PaymentMetrics, type CallOutcome } from './payment-metrics';
import { followExperimentPhase } from './phase-follower';

export interface RunPaymentWorkloadInput {
  settings?: PaymentWorkloadSettingsInput;
  /** Follow the calling workflow's `phase` query (experiments). */
  followPhases?: boolean;
  /** Stop after this long (standalone runs). */
  durationMs?: number;
}

const HEARTBEAT_MS = 250;
/** Once asked to stop, calls in flight get this long to answer before they are cut. */
const STOP_GRACE_MS = 5000;

/** Order ids of one run: the workflow's id hashed, and the attempt (a retried activity starts anew). */
function orderIdPrefix(): string {
  const info = activityInfo();
  const id = info.workflowExecution ? `${info.workflowExecution.workflowId}/${info.workflowExecution.runId}` : info.activityId;
  return `fl-${createHash('sha256').update(id).digest('hex').slice(0, 12)}-a${info.attempt}`;
}

export async function runPaymentWorkload(input: RunPaymentWorkloadInput): Promise<PaymentWorkloadResult> {
  const parsed = paymentWorkloadSchema.safeParse(input.settings ?? {});
  if (!parsed.success) throw new InvalidSettingsError(formatIssues(parsed.error, 'payments.'));
  const settings = parsed.data;
  const context = Context.current();
  const stop = new AbortController();
  const cut = new AbortController(); // ends calls still in flight after the grace period
  // Every call in flight listens to `cut` (up to maxInFlight of them): not a leak.
  setMaxListeners(0, cut.signal);
  context.cancellationSignal.addEventListener('abort', () => { stop.abort(); cut.abort(); }, { once: true });

  const follower = input.followPhases ? await followExperimentPhase(stop) : undefined;
  const phase = () => follower?.current() ?? 'run';
  const phaseIndex = (p: string) => Math.max(0, (MEASURED_PHASES as readonly string[]).indexOf(p));
  const baseUrl = paymentServiceUrl();
  const client = settings.channels.includes('workflow') ? await sharedClient() : undefined;
  const prefix = orderIdPrefix();
  const metrics = new PaymentMetrics();
  const ledgers: Record<PaymentChannel, ChannelLedger> = { http: new ChannelLedger(), workflow: new ChannelLedger() };
  const inFlight = new Set<Promise<void>>();
  let skipped = 0;

  const call = async (method: string, path: string, body?: unknown): Promise<CallOutcome> => {
    const started = performance.now();
    try {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.any([cut.signal, AbortSignal.timeout(settings.requestTimeoutSeconds * 1000)]),
      });
      await response.arrayBuffer();
      const attempts = Number(response.headers.get('x-payment-attempts') ?? '1');
      return { outcome: String(response.status), acknowledged: response.ok, latencyMs: performance.now() - started, retries: Math.max(0, attempts - 1) };
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'TimeoutError') return { outcome: 'timeout', acknowledged: false };
      if (cut.signal.aborted) return { outcome: 'cut-at-stop', acknowledged: false };
      return { outcome: 'network', acknowledged: false, latencyMs: performance.now() - started };
    }
  };

  const httpPayment = async (seq: number, at: string) => {
    const orderId = ledgerOrderId(prefix, 'http', seq);
    const created = await call('POST', '/payments', { order_id: orderId, amount: ledgerAmountCents(seq) / 100 });
    metrics.record(at, 'http', 'create', created);
    if (!created.acknowledged) return;
    ledgers.http.created(seq, phaseIndex(at));
    const confirmed = await call('POST', `/payments/${orderId}/confirm`);
    metrics.record(at, 'http', 'confirm', confirmed);
    if (confirmed.acknowledged) ledgers.http.confirmed(seq);
  };

  const workflowPayment = async (seq: number, at: string) => {
    const orderId = ledgerOrderId(prefix, 'workflow', seq);
    const started = performance.now();
    let handle;
    try {
      handle = await startPaymentWorkflow(client!, { order_id: orderId, amount: ledgerAmountCents(seq) / 100 });
    } catch {
      metrics.record(at, 'workflow', 'create', { outcome: 'failed', acknowledged: false, latencyMs: performance.now() - started });
      return;
    }
    metrics.record(at, 'workflow', 'create', { outcome: 'started', acknowledged: true, latencyMs: performance.now() - started });
    ledgers.workflow.created(seq, phaseIndex(at));
    // Await the result until the run stops; payments still running then are the audit's business.
    let onCut: (() => void) | undefined;
    const result = await Promise.race([
      handle.result().then((r: PaymentWorkflowResult) => r, () => 'failed' as const),
      new Promise<'stopped'>((resolve) => {
        onCut = () => resolve('stopped');
        cut.signal.addEventListener('abort', onCut, { once: true });
      }),
    ]);
    cut.signal.removeEventListener('abort', onCut!);
    if (result === 'stopped') return;
    if (result === 'failed') {
      metrics.record(at, 'workflow', 'confirm', { outcome: 'failed', acknowledged: false, latencyMs: performance.now() - started });
      return;
    }
    metrics.record(at, 'workflow', 'confirm', { outcome: 'completed', acknowledged: true, latencyMs: performance.now() - started, retries: result.createAttempts - 1 + result.confirmAttempts - 1 });
    ledgers.workflow.confirmed(seq);
  };

  const launch = (channel: PaymentChannel) => {
    if (inFlight.size >= settings.maxInFlight) {
      skipped++;
      return;
    }
    const seq = ledgers[channel].next();
    if (seq === undefined) {
      skipped++;
      return;
    }
    const at = phase();
    const run = (channel === 'http' ? httpPayment : workflowPayment)(seq, at).catch((err: unknown) => {
      context.log.warn('payment call failed unexpectedly', { error: (err as Error).message });
    });
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
  };

  const startedAt = Date.now();
  const beat = setInterval(() => heartbeat({ phase: phase(), inFlight: inFlight.size, skipped, ...metrics.totals() }), HEARTBEAT_MS);
  const timer = input.durationMs ? setTimeout(() => stop.abort(), input.durationMs) : undefined;
  try {
    // Open loop, drift-corrected: the n-th payment starts at startedAt + n / rate.
    const intervalMs = 1000 / settings.ratePerSecond;
    for (let n = 0; !stop.signal.aborted; n++) {
      for (const channel of settings.channels) launch(channel);
      const wait = startedAt + (n + 1) * intervalMs - Date.now();
      if (wait > 0) await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        stop.signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
      });
    }
    const grace = setTimeout(() => cut.abort(), STOP_GRACE_MS);
    await Promise.all(inFlight);
    clearTimeout(grace);
    cut.abort();
    const result: PaymentWorkloadResult = {
      orderIdPrefix: prefix,
      channels: settings.channels,
      ratePerSecond: settings.ratePerSecond,
      phases: metrics.stats(),
      skipped,
      ledger: { http: ledgers.http.encode(), workflow: ledgers.workflow.encode() },
      stoppedBy: context.cancellationSignal.aborted ? 'cancelled' : input.followPhases ? 'signal' : 'duration',
    };
    if (context.cancellationSignal.aborted) throw new CancelledFailure('payment workload cancelled; details carry what it measured', [result]);
    return result;
  } finally {
    clearInterval(beat);
    clearTimeout(timer);
    follower?.close();
    stop.abort();
    cut.abort();
    metrics.destroy();
  }
}
