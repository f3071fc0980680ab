import { createMemoryReadStore } from '../../projections/store/memory.js';
import { runRunnerSuite } from './runnerSuite.js';

runRunnerSuite('runner on the memory read store', async () => {
  const store = createMemoryReadStore();
  return { store, cleanup: () => store.close() };
});
