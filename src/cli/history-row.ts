/** One past experiment, as `faultline history` lists it. */
export interface HistoryRow {
  workflowId: string;
  startTime: string;
  status: string;
  fault: string | null;
  target: string | null;
  verdict: string | null;
  downtimeMs: Record<string, number> | null;
  /** From the run's report, when this machine can read it: its name and each path's success rate (0-1). */
  name: string | null;
  successRate: Record<string, number> | null;
  /** The Temporal Schedule that started it, if one did. */
  schedule: string | null;
  /** faultline's search attributes the server lacked when it ran (it set none of them). */
  searchAttributesMissing?: string[];
}
