export * from './types.js';
export * from './validate.js';
export * from './grid.js';
export * from './decider.js';
