/**
 * faultline's search attributes a Temporal server does not have (Temporal Cloud registers them
 * through its own API; `faultline setup` does elsewhere). The experiment runs without them and sets
 * none of them; its report and `faultline history` name them.
 */
export interface SearchAttributesMissing {
  names: string[];
  /** Why the server could not be asked which it has: then every one counts as missing. */
  unknown?: string;
}

/** "search attributes missing: FaultlinePhase, FaultlineFault (register with `faultline setup`)". */
export function missingAttributesText(missing: SearchAttributesMissing): string {
  const why = missing.unknown ? `; the server could not tell which it has (${missing.unknown}), so none was set` : '';
  return `search attributes missing: ${missing.names.join(', ')} (register with \`faultline setup\`)${why}`;
}
