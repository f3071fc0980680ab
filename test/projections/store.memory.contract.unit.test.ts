import { createMemoryReadStore } from '../../projections/store/memory.js';
import { runReadStoreContract } from './storeContract.js';

runReadStoreContract('memory read store', async () => {
  const store = createMemoryReadStore();
  return { store, cleanup: () => store.close() };
});
