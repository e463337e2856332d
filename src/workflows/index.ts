/** Every workflow of the `faultline` task queue (the worker bundles this file). */
export { probeDatabase } from './probe-database';
export { measureWorkload } from './measure-workload';
export { chaosExperiment } from './chaos-experiment/workflow';
export { targetLock } from './target-lock';
