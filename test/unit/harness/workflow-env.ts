/**
 * A Temporal test environment with time skipping for workflow unit tests: Temporal's Java test
 * server, fetched by scripts/provision.sh (the SDK cannot download its own here). No Docker, no lab.
 * The workflows are bundled once per process.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Runtime, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../../../src/shared/experiment-contract';

const ROOT = path.resolve(__dirname, '..', '..', '..');
export const TEST_SERVER =
  process.env.FAULTLINE_TEST_SERVER || path.join(ROOT, '.lab', 'test-server', 'temporal-test-server');

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
let runtimeQuiet = false;

export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../../src/workflows'),
    logger: new DefaultLogger('WARN'),
  });
  return bundle;
}

/**
 * `searchAttributes: false`: a server without faultline's search attributes (one faultline does not
 * own, as Temporal Cloud), where an upsert of one of them fails the workflow task.
 */
export async function timeSkippingEnvironment(
  options: { searchAttributes?: boolean } = {},
): Promise<TestWorkflowEnvironment> {
  if (!existsSync(TEST_SERVER))
    throw new Error(
      `Temporal's test server is missing at ${TEST_SERVER}: run \`bash scripts/provision.sh\` (fetches it with Maven)`,
    );
  if (!runtimeQuiet) {
    // The SDK's native side warns of what the test server does not advertise: errors only.
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
    });
    runtimeQuiet = true;
  }
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: TEST_SERVER } },
  });
  if (options.searchAttributes === false) return env;
  // The test server refuses search attributes it does not know, as a real server does.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      SEARCH_ATTRIBUTE_DEFINITIONS.map((d) => [
        d.name,
        d.type === 'Int'
          ? temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT
          : temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      ]),
    ),
  });
  return env;
}
