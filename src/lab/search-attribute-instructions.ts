/**
 * What `faultline setup` says when the server will not let it register the search attributes
 * (PERMISSION_DENIED, or UNIMPLEMENTED: Temporal Cloud registers them through its own API): each
 * one with its type, and the command that registers it on Temporal Cloud and on a self-hosted server.
 */
import { isGrpcServiceError } from '@temporalio/client';

/** gRPC codes of a server that will not register them for this caller, by number. */
const REFUSALS: Record<number, string> = { 7: 'PERMISSION_DENIED', 12: 'UNIMPLEMENTED' };

/** "PERMISSION_DENIED: request unauthorized" when `err` is such a refusal (or wraps one); else undefined. */
export function refusalOf(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e) && REFUSALS[e.code]) return `${REFUSALS[e.code]}: ${e.details || e.message}`;
  }
  return undefined;
}

export interface RefusedRegistration {
  /** The server as people know it (describeTarget). */
  server: string;
  namespace: string;
  refusal: string;
  /** Those to register: name and Temporal type. */
  missing: ReadonlyArray<{ name: string; type: string }>;
  /** Those already there (empty when the server would not even list them). */
  existing: string[];
}

export function registrationInstructions(r: RefusedRegistration): string {
  const width = Math.max(...r.missing.map((d) => d.name.length));
  const lines = [
    `${r.server} refused to register faultline's search attributes (${r.refusal}).`,
    ...(r.existing.length ? [`Already registered: ${r.existing.join(', ')}.`] : []),
    `Register these on namespace ${r.namespace} (experiments run without them, but the Web UI's filters and \`faultline history\` need them):`,
    ...r.missing.map((d) => `  ${d.name.padEnd(width)}  ${d.type}`),
    '',
    'Temporal Cloud:',
    ...r.missing.map(
      (d) =>
        `  tcld namespace search-attributes add --namespace ${r.namespace} --search-attribute "${d.name}=${d.type}"`,
    ),
    '',
    'Self-hosted Temporal (as an operator of the namespace):',
    ...r.missing.map(
      (d) => `  temporal operator search-attribute create --namespace ${r.namespace} --name ${d.name} --type ${d.type}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
