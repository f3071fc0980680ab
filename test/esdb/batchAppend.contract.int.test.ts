import { runContractOverEmulator } from './support/contractOverEmulator.js';

runContractOverEmulator('esdb adapter over the emulator (BatchAppend)', true);
