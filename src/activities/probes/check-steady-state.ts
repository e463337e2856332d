/**
 * The steady-state hypothesis, checked by measuring: the workload runs on every path for the
 * window, and the hypothesis holds when each path's success rate and p99 are within bounds.
 */
import { heartbeat } from '@temporalio/activity';
import { parseWorkloadSettings, type WorkloadSettingsInput } from '../../shared/workload-settings';
import { runWorkloadEngine } from '../workload/workload-engine';
import { checkPaymentService, type PaymentServiceCheck } from './check-payment-service';

export interface SteadyStateInput {
  paths: string[];
  workload: WorkloadSettingsInput;
  minSuccessRate: number;
  maxP99Ms: number;
  windowSeconds: number;
  /** Also require the payment service's health to answer 200 (experiments that run payments). */
  paymentService?: boolean;
}

export interface SteadyStateCheck {
  holds: boolean;
  checkedAt: string;
  paths: Array<{ path: string; attempts: number; successRate: number; p99Ms: number; holds: boolean; reason?: string }>;
  paymentService?: PaymentServiceCheck;
}

export async function checkSteadyState(input: SteadyStateInput): Promise<SteadyStateCheck> {
  const settings = parseWorkloadSettings(input.workload, 'workload');
  const beat = setInterval(() => heartbeat(), 1000);
  try {
    const results = await Promise.all(
      input.paths.map((path) => runWorkloadEngine({ connection: path, settings, durationMs: input.windowSeconds * 1000 })),
    );
    const paths = results.map((r) => {
      const { successRate, attempts, latencyMs } = r.overall.total;
      const reasons = [];
      if (attempts === 0) reasons.push('no operation completed');
      if (successRate < input.minSuccessRate) reasons.push(`success rate ${(successRate * 100).toFixed(2)}% < ${(input.minSuccessRate * 100).toFixed(2)}%`);
      if (latencyMs.p99 > input.maxP99Ms) reasons.push(`p99 ${latencyMs.p99} ms > ${input.maxP99Ms} ms`);
      return {
        path: r.connection,
        attempts,
        successRate,
        p99Ms: latencyMs.p99,
        holds: reasons.length === 0,
        ...(reasons.length ? { reason: reasons.join(', ') } : {}),
      };
    });
    const paymentService = input.paymentService ? await checkPaymentService() : undefined;
    return {
      holds: paths.every((p) => p.holds) && (paymentService?.holds ?? true),
      checkedAt: new Date().toISOString(),
      paths,
      ...(paymentService ? { paymentService } : {}),
    };
  } finally {
    clearInterval(beat);
  }
}
