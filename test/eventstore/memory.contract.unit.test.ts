import { createInMemoryStore } from '../../eventstore/embedded/index.js';
import { runEventStoreContract } from './contract.js';

runEventStoreContract('in-memory store', async () => {
  const store = createInMemoryStore();
  return { store, cleanup: () => store.close() };
});
