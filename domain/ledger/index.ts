export * from './accounts.js';
export * from './postings.js';
export * from './balances.js';
export * from './audit.js';
