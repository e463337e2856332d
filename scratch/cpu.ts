import { runWorkloadEngine } from '../src/activities/workload/workload-engine';
import { reseedBusinessData } from '../src/activities/schema/setup-schema';
import { parseWorkloadSettings } from '../src/shared/workload-settings';
(async () => {
  const clients = Number(process.argv[2] ?? 3);
  await reseedBusinessData('direct');
  const settings = parseWorkloadSettings({ concurrentWorkers: clients, poolSize: clients, thinkTimeSeconds: { min: 0, max: 0 } });
  const c0 = process.cpuUsage();
  const r = await runWorkloadEngine({ connection: 'direct', settings, durationMs: 8000 });
  const c = process.cpuUsage(c0);
  const n = r.overall.total.attempts;
  console.log(`faultline ${clients}: ${r.overall.tps} ops/s; node cpu per op user ${(c.user/n/1000).toFixed(3)} ms sys ${(c.system/n/1000).toFixed(3)} ms`);
})();
