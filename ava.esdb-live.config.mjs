// The EventStoreDB contract against a real server: `ESDB_TEST_URL=esdb://… npm test` runs it after
// the main suite (see package.json "test"). Same loader settings as the main suite.
export default {
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  workerThreads: false,
  files: ['test/esdb-live/**/*.test.ts'],
  timeout: '120s',
};
