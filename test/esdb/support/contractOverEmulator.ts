import test from 'ava';
import { runEventStoreContract } from '../../eventstore/contract.js';
import { startEmulatorHarness, type EmulatorHarness } from './harness.js';

/** The foundation's contract suite, unchanged, against the adapter over the wire emulator. */
export function runContractOverEmulator(name: string, batchAppend: boolean): void {
  let harness: EmulatorHarness | undefined;
  const started = startEmulatorHarness({ batchAppend }).then((h) => (harness = h));
  test.after.always(async () => {
    await started;
    await harness?.close();
  });
  runEventStoreContract(name, async () => {
    const h = await started;
    const store = h.connect();
    return { store, cleanup: () => store.close() };
  });
}
