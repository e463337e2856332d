import { runPgbench } from '../src/activities/workload/pgbench-runner';
(async () => { const t0 = process.hrtime.bigint(); const r = await runPgbench({ connection: 'direct', clients: 3, durationSeconds: 8, weights: { read: 70, write: 20, transaction: 10 } }); console.log('pgbench', r.tps, r.transactions); })();
