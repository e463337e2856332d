import { runWorkloadEngine } from '../src/activities/workload/workload-engine';
import { parseWorkloadSettings } from '../src/shared/workload-settings';
import { dbContainer, waitUntilServing } from '../test/harness/lab-database';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const settings = parseWorkloadSettings({ concurrentWorkers: 3, poolSize: 5, thinkTimeSeconds: { min: 0, max: 0 } });
  const c = new AbortController();
  const run = runWorkloadEngine({ connection: 'direct', settings, signal: c.signal });
  await sleep(1500);
  const t0 = Date.now();
  await dbContainer().stop({ t: 10 });
  const stopped = Date.now();
  await sleep(1500);
  const startReq = Date.now();
  await dbContainer().start();
  const started = Date.now();
  const serving = await waitUntilServing('direct');
  await sleep(1500); c.abort();
  const r = await run;
  console.log({ stopCall: stopped - t0, startReq: startReq - t0, started: started - t0, serving: serving - t0, real: serving - t0 });
  console.log(r.downtime.windows.map(w => ({ start: Date.parse(w.start) - t0, end: w.end ? Date.parse(w.end) - t0 : null, d: w.durationMs, f: w.failures })));
  console.log(JSON.stringify(r.overall.errors, null, 0));
  for (const b of r.timeline.buckets) { const rel = b.t - t0; if (rel > startReq - t0 - 200 && rel < serving - t0 + 800) console.log(rel, b.ops, b.errors, b.p50); }
  process.exit(0);
})();
