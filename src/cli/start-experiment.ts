/** Starts a chaosExperiment workflow the way `faultline run` and `faultline start` both do. */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { experimentDetails, experimentSummary } from '../shared/experiment-markdown';
import type { ExperimentDefinition } from '../shared/experiment-schema';
import { EXPERIMENT_WORKFLOW_TYPE } from '../shared/experiment-contract';
import { experimentTaskQueue } from '../platform/settings';

export function experimentWorkflowId(definition: ExperimentDefinition): string {
  return `${definition.name.replace(/[^\w.-]+/g, '-')}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
}

/** The workflow gets the definition as the user wrote it: it validates and applies defaults itself. */
export async function startExperiment(
  client: Client,
  raw: unknown,
  definition: ExperimentDefinition,
  workflowId = experimentWorkflowId(definition),
): Promise<WorkflowHandle> {
  return await client.workflow.start(EXPERIMENT_WORKFLOW_TYPE, {
    taskQueue: experimentTaskQueue(),
    workflowId,
    args: [raw],
    staticSummary: experimentSummary(definition),
    staticDetails: experimentDetails(definition),
  });
}
