/**
 * Whether a named HTTP target answers at all (any HTTP status) within a few seconds: the doctor's
 * check, before an experiment would find out. Its credentials and query are used, never shown.
 */
import { resolveHttpTarget, targetUrl } from './http-targets';

const TIMEOUT_MS = 3000;

export async function httpTargetAnswers(name: string): Promise<{ ok: boolean; detail: string }> {
  let target;
  try {
    target = resolveHttpTarget(name);
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
  try {
    const response = await fetch(targetUrl(target, '/'), {
      headers: target.authorization ? { authorization: target.authorization } : {},
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return { ok: true, detail: `${target.display} answers (HTTP ${response.status} on /)` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why =
      e.name === 'TimeoutError'
        ? `no answer within ${TIMEOUT_MS} ms`
        : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { ok: false, detail: `${target.display} does not answer (${why})` };
  }
}

/** The HTTP targets this shell names (FAULTLINE_HTTP_<NAME>), lower-cased as definitions name them. */
export const namedHttpTargets = (): string[] =>
  Object.keys(process.env)
    .filter((k) => k.startsWith('FAULTLINE_HTTP_') && process.env[k])
    .map((k) => k.slice('FAULTLINE_HTTP_'.length).toLowerCase().replace(/_/g, '-'))
    .sort();
