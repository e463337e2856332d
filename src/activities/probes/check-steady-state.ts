/**
 * The steady-state hypothesis, checked by measuring: the workload runs on every path for the
 * window, and the hypothesis holds when each path's success rate and p99 are within bounds.
 */
import { heartbeat } from '@temporalio/activity';
import { parseWorkloadSettings, type WorkloadSettingsInput } from '../../shared/workload-settings';
import { runWorkloadEngine } from '../workload/engine/workload-engine';
import { STEADY_STATE_APPLICATION_NAME } from '../../shared/names';
import { checkPaymentService } from '../../service/client/check-payment-service';
import type { SteadyStateCheck } from '../../shared/steady-state-types';
import type { HttpHealth } from '../../shared/http-workload-schema';
import { checkHttpHealth } from './check-http-health';

export interface SteadyStateInput {
  paths: string[];
  workload: WorkloadSettingsInput;
  minSuccessRate: number;
  maxP99Ms: number;
  windowSeconds: number;
  /** Also require the payment service's health to answer 200 (experiments that run payments). */
  paymentService?: boolean;
  /** Also require each HTTP target's health request to answer as `http.health` says. */
  http?: { targets: string[]; health: HttpHealth };
}

export async function checkSteadyState(input: SteadyStateInput): Promise<SteadyStateCheck> {
  const settings = parseWorkloadSettings(input.workload, 'workload');
  const beat = setInterval(() => heartbeat(), 1000);
  try {
    const results = await Promise.all(
      input.paths.map((path) =>
        runWorkloadEngine({
          connection: path,
          settings,
          durationMs: input.windowSeconds * 1000,
          applicationName: STEADY_STATE_APPLICATION_NAME,
        }),
      ),
    );
    const paths = results.map((r) => {
      const { successRate, attempts, latencyMs } = r.overall.total;
      const reasons = [];
      if (attempts === 0) reasons.push('no operation completed');
      if (successRate !== null && successRate < input.minSuccessRate)
        reasons.push(`success rate ${(successRate * 100).toFixed(2)}% < ${(input.minSuccessRate * 100).toFixed(2)}%`);
      if (latencyMs.p99 !== null && latencyMs.p99 > input.maxP99Ms)
        reasons.push(`p99 ${latencyMs.p99} ms > ${input.maxP99Ms} ms`);
      // A stall is invisible to rates and percentiles of completed operations: ask the detector.
      const open = r.downtime.windows.find((w) => w.end === null);
      if (open)
        reasons.push(
          `unavailable at the end of the window (since ${open.start}: ${open.failures} failed, ${open.stalls} stalled > ${r.downtime.stallThresholdMs} ms)`,
        );
      return {
        path: r.connection,
        attempts,
        successRate,
        p99Ms: latencyMs.p99,
        downAtEnd: r.downtime.openAtEnd,
        holds: reasons.length === 0,
        ...(reasons.length ? { reason: reasons.join(', ') } : {}),
      };
    });
    const paymentService = input.paymentService ? await checkPaymentService() : undefined;
    const h = input.http;
    const http = h ? await Promise.all(h.targets.map((t) => checkHttpHealth(t, h.health))) : undefined;
    return {
      holds: paths.every((p) => p.holds) && (paymentService?.holds ?? true) && (http ?? []).every((c) => c.holds),
      checkedAt: new Date().toISOString(),
      paths,
      ...(paymentService ? { paymentService } : {}),
      ...(http ? { http } : {}),
    };
  } finally {
    clearInterval(beat);
  }
}
