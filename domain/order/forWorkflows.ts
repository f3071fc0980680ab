/**
 * Kept only as an alias until runtime/workflows/exchangeWorkflow.ts imports orderDecider from
 * ./decider.js (its owner's change); OrderAccepted carries the order's fields in the decider now.
 */
export { orderDecider as orderDeciderForWorkflows } from './decider.js';
