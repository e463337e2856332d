import { Pool } from 'pg';
(async () => {
  const mode = process.argv[2];
  const pool = new Pool({ host: '127.0.0.1', port: 15432, user: 'faultline', password: 'faultline', database: 'faultline', max: 3, ...(mode==='timeout'?{query_timeout: 15000}:{}) });
  let n = 0; const end = Date.now() + 4000;
  const t0 = process.cpuUsage();
  await Promise.all([0,1,2].map(async () => { while (Date.now() < end) { await pool.query("SELECT id, username, email, last_login, login_count, status FROM business_users WHERE status = $1 ORDER BY last_login DESC NULLS LAST LIMIT 20", ['active']); n++; } }));
  const cpu = process.cpuUsage(t0);
  console.log(mode, 'ops/s', n/4, 'cpu ms per op', ((cpu.user+cpu.system)/1000/n).toFixed(3));
  await pool.end();
})();
