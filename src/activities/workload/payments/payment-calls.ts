/**
 * The payment workload's calls: HTTP (create, then confirm, as a user of the service would) and the
 * payment workflow (start it, await it), issued open loop, measured, written to the ledger, and
 * answers that a service must never give counted (5xx other than 503, no answer in time, no HTTP
 * answer at all).
 */
import type { Client } from '@temporalio/client';
import { MEASURED_PHASES } from '../../../shared/experiment-phases';
import type { PaymentWorkloadSettings } from '../../../shared/payment-settings';
import {
  ledgerAmountCents,
  ledgerOrderId,
  type PaymentChannel,
  type PaymentWorkflowResult,
  type UnexpectedPaymentAnswers,
} from '../../../shared/payment-types';
import { startPaymentWorkflow } from '../../../service/client/start-payment-workflow';
import type { ChannelLedger } from './payment-ledger';
import type { CallOutcome, PaymentMetrics } from './payment-metrics';

export interface PaymentCallsOptions {
  baseUrl: string;
  settings: PaymentWorkloadSettings;
  client?: Client;
  /** This segment's order-id prefix. */
  prefix: string;
  metrics: PaymentMetrics;
  ledgers: Record<PaymentChannel, ChannelLedger>;
  unexpected: UnexpectedPaymentAnswers;
  log: (message: string, fields: Record<string, unknown>) => void;
}

/** Once asked to stop, calls in flight get this long to answer before they are cut. */
const STOP_GRACE_MS = 5000;
const phaseIndex = (p: string) => Math.max(0, (MEASURED_PHASES as readonly string[]).indexOf(p));
/**
 * What a caller not told "created" was told: 503 refused; another status failed, except a
 * gateway's 502/504, which does not know; no answer (a timeout, a reset, cut at the stop) unknown.
 */
const answerOf = (outcome: string): 'refused' | 'failed' | 'unknown' =>
  outcome === '503' ? 'refused' : /^\d{3}$/.test(outcome) && !['502', '504'].includes(outcome) ? 'failed' : 'unknown';

export class PaymentCalls {
  /** Ends calls still in flight after the grace period. */
  readonly cut = new AbortController();
  private readonly running = new Set<Promise<void>>();
  skipped = 0;

  constructor(private readonly o: PaymentCallsOptions) {}

  get inFlight(): number {
    return this.running.size;
  }

  private count(outcome: CallOutcome): void {
    const u = this.o.unexpected;
    if (/^5\d\d$/.test(outcome.outcome) && outcome.outcome !== '503') u.serverErrors++;
    else if (outcome.outcome === 'timeout') u.timeouts++;
    else if (outcome.outcome === 'network') u.noAnswer++;
  }

  private async call(method: string, path: string, body?: unknown): Promise<CallOutcome> {
    const started = performance.now();
    try {
      const response = await fetch(`${this.o.baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.any([this.cut.signal, AbortSignal.timeout(this.o.settings.requestTimeoutSeconds * 1000)]),
      });
      await response.arrayBuffer();
      const attempts = Number(response.headers.get('x-payment-attempts') ?? '1');
      return {
        outcome: String(response.status),
        acknowledged: response.ok,
        latencyMs: performance.now() - started,
        retries: Math.max(0, attempts - 1),
      };
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') return { outcome: 'timeout', acknowledged: false };
      if (this.cut.signal.aborted) return { outcome: 'cut-at-stop', acknowledged: false };
      return { outcome: 'network', acknowledged: false, latencyMs: performance.now() - started };
    }
  }

  private async http(seq: number, phase: Promise<string>): Promise<void> {
    const orderId = ledgerOrderId(this.o.prefix, 'http', seq);
    const created = await this.call('POST', '/payments', { order_id: orderId, amount: ledgerAmountCents(seq) / 100 });
    const at = await phase;
    this.o.metrics.record(at, 'http', 'create', created);
    this.count(created);
    if (!created.acknowledged) {
      this.o.ledgers.http.notCreated(seq, phaseIndex(at), answerOf(created.outcome));
      return;
    }
    this.o.ledgers.http.created(seq, phaseIndex(at));
    const confirmed = await this.call('POST', `/payments/${orderId}/confirm`);
    this.o.metrics.record(at, 'http', 'confirm', confirmed);
    this.count(confirmed);
    if (confirmed.acknowledged) this.o.ledgers.http.confirmed(seq);
  }

  private async workflow(seq: number, phase: Promise<string>): Promise<void> {
    const orderId = ledgerOrderId(this.o.prefix, 'workflow', seq);
    const started = performance.now();
    let handle;
    try {
      handle = await startPaymentWorkflow(this.o.client!, { order_id: orderId, amount: ledgerAmountCents(seq) / 100 });
    } catch {
      const at = await phase;
      // The server may have started it before the answer was lost: unknown, for the table to resolve.
      this.o.ledgers.workflow.notCreated(seq, phaseIndex(at), 'unknown');
      this.o.metrics.record(at, 'workflow', 'create', {
        outcome: 'failed',
        acknowledged: false,
        latencyMs: performance.now() - started,
      });
      return;
    }
    const at = await phase;
    this.o.metrics.record(at, 'workflow', 'create', {
      outcome: 'started',
      acknowledged: true,
      latencyMs: performance.now() - started,
    });
    this.o.ledgers.workflow.created(seq, phaseIndex(at));
    // Await the result until the run stops; payments still running then are the audit's business.
    let onCut: (() => void) | undefined;
    const result = await Promise.race([
      handle.result().then(
        (r: PaymentWorkflowResult) => r,
        () => 'failed' as const,
      ),
      new Promise<'stopped'>((resolve) => {
        onCut = () => resolve('stopped');
        this.cut.signal.addEventListener('abort', onCut, { once: true });
      }),
    ]);
    this.cut.signal.removeEventListener('abort', onCut!);
    if (result === 'stopped') return;
    if (result === 'failed') {
      this.o.metrics.record(at, 'workflow', 'confirm', {
        outcome: 'failed',
        acknowledged: false,
        latencyMs: performance.now() - started,
      });
      return;
    }
    this.o.metrics.record(at, 'workflow', 'confirm', {
      outcome: 'completed',
      acknowledged: true,
      latencyMs: performance.now() - started,
      retries: result.createAttempts - 1 + result.confirmAttempts - 1,
    });
    this.o.ledgers.workflow.confirmed(seq);
  }

  private launch(channel: PaymentChannel, at: Promise<string>): void {
    const seq = this.running.size >= this.o.settings.maxInFlight ? undefined : this.o.ledgers[channel].next();
    if (seq === undefined) {
      this.skipped++;
      return;
    }
    const run = (channel === 'http' ? this.http(seq, at) : this.workflow(seq, at)).catch((err: unknown) => {
      this.o.log('payment call failed unexpectedly', { error: (err as Error).message });
    });
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /**
   * Open loop, drift-corrected: the n-th round starts at start + n / rate, until `stop`; then drains.
   * `phaseAt` gives the phase a round started in (its calls are measured under it), asked for before
   * the round's payments take their numbers.
   */
  async runOpenLoop(stop: AbortSignal, phaseAt: (t: number) => Promise<string>): Promise<void> {
    const startedAt = Date.now();
    const intervalMs = 1000 / this.o.settings.ratePerSecond;
    for (let n = 0; !stop.aborted; n++) {
      const at = phaseAt(Date.now());
      for (const channel of this.o.settings.channels) this.launch(channel, at);
      const wait = startedAt + (n + 1) * intervalMs - Date.now();
      if (wait > 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, wait);
          stop.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
        });
      }
    }
    const grace = setTimeout(() => this.cut.abort(), STOP_GRACE_MS);
    await Promise.all(this.running);
    clearTimeout(grace);
    this.cut.abort();
  }
}
