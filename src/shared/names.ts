/** Names shared by the workflow side, the activities, the CLI and the tests. Pure. */

/** Task queue of the payment service's workflows and activities. */
export const PAYMENT_TASK_QUEUE = 'payment-service';

/** Docker label that opts a container in as a chaos target. */
export const DOCKER_TARGET_LABEL = 'faultline.target';
/** RDS tag that opts a cluster in as a chaos target. */
export const RDS_TARGET_TAG = 'faultline:target';

/**
 * What the database sees faultline's connections as (application_name, in pg_stat_activity and
 * logs): the measured workload, the steady-state checks (before, while recovering, after).
 */
export const WORKLOAD_APPLICATION_NAME = 'faultline-workload';
export const STEADY_STATE_APPLICATION_NAME = 'faultline-steady-state';
