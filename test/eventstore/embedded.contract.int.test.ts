import { join } from 'node:path';
import { openEmbeddedStore } from '../../eventstore/embedded/index.js';
import { makeTempDir } from '../support/tmpdir.js';
import { runEventStoreContract } from './contract.js';

runEventStoreContract('embedded store on disk', async () => {
  const temp = await makeTempDir('oec-contract-');
  const store = await openEmbeddedStore({ dir: join(temp.dir, 'events') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await temp.remove();
    },
  };
});
