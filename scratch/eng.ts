import { runWorkloadEngine } from '../src/activities/workload/workload-engine';
import { parseWorkloadSettings } from '../src/shared/workload-settings';
(async () => {
  const clients = Number(process.argv[2] ?? 3);
  const conn = process.argv[3] ?? 'direct';
  const settings = parseWorkloadSettings({ concurrentWorkers: clients, poolSize: clients, thinkTimeSeconds: { min: 0, max: 0 } });
  const r = await runWorkloadEngine({ connection: conn, settings, durationMs: 5000 });
  console.log(JSON.stringify({ tps: r.overall.tps, total: r.overall.total, byType: Object.fromEntries(Object.entries(r.overall.byType).map(([k,v])=>[k,[v.attempts,v.failures, v.latencyMs.p50]])), errors: r.overall.errors, buckets: r.timeline.buckets.length, oos: r.overall.purchasesOutOfStock }, null, 1));
})();
