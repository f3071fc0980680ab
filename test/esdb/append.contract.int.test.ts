import { runContractOverEmulator } from './support/contractOverEmulator.js';

// ServerFeatures does not advertise BatchAppend, so the client falls back to one Append call per append
runContractOverEmulator('esdb adapter over the emulator (plain Append)', false);
