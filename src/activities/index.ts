/** Every activity of the `faultline` task queue. Workflows import only the *type* of this module. */
export { setupSchema, reseedBusinessData } from './schema/setup-schema';
export { checkCustomOperations } from './schema/check-custom-operations';
export { checkConnectionBudget } from './schema/check-connection-budget';
export { countProducts } from './probes/count-products';
export { runWorkload } from './workload/run-workload';
export { measurePath } from './workload/measure-path';
export { measureHttpPath } from './workload/measure-http-path';
export { mergePathShards } from './workload/merge-path-shards';
export { shardWorkers } from './workload/shard-workers';
export { resolveFaultTarget, injectFault, restoreFault } from './faults/fault-activities';
export { lockOwner } from './faults/lock-owner';
export { checkSteadyState } from './probes/check-steady-state';
export { checkHttpTargets } from './probes/check-http-targets';
export { registeredSearchAttributes } from './probes/registered-search-attributes';
export { writeReport } from './report/write-report';
export { runPaymentWorkload } from './workload/run-payment-workload';
export { auditPayments } from './audit/audit-payments';
export { checkPaymentService } from '../service/client/check-payment-service';
