export * from './types.js';
export * from './validate.js';
export * from './decider.js';
