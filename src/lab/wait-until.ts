/** Polls a check until it passes, or fails with a message that names what did not come up. */
import { sleep } from './background-process';

export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; hint?: string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      const hint = options.hint ? `; ${options.hint}` : '';
      throw new Error(`${what} did not come up within ${Math.round(options.timeoutMs / 1000)} s${reason}${hint}`);
    }
    await sleep(options.intervalMs ?? 250);
  }
}
