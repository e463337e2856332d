/**
 * Loaded first by both suites (mocha-suites.cjs): the tests never reach a Temporal server a
 * developer configured for themselves. TEMPORAL_CONFIG_FILE points at test/temporal-config.toml
 * (no profile) and every other TEMPORAL_* variable is cleared, so faultline uses the lab's dev
 * server; a test wanting another server sets the variables for the processes it starts.
 */
import path from 'node:path';

for (const key of Object.keys(process.env)) if (key.startsWith('TEMPORAL_')) delete process.env[key];
process.env.TEMPORAL_CONFIG_FILE = path.join(__dirname, 'temporal-config.toml');
