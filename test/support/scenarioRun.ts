import type { RecordedEvent } from '../../eventstore/port.js';
import { Scenario, type ScenarioOptions } from './scenario.js';
import { scenarios } from './scenarioList.js';

/**
 * Per stream, in revision order, what two runs of one scenario must agree on: revision, id, type
 * and payload, and the metadata too when `withMetadata` (a redelivered run legitimately differs
 * in causation metadata, a run in another thread must not).
 */
export function streamsOf(events: readonly RecordedEvent[], withMetadata = false): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of events) {
    const line = `${e.revision} ${e.id} ${e.type} ${JSON.stringify(e.data)}`;
    (out[e.stream] ??= []).push(withMetadata ? `${line} ${JSON.stringify(e.metadata)}` : line);
  }
  return out;
}

/** Runs a scenario of the list to settlement (its own assertions silenced) and returns its log per stream, audit and errors. */
export async function runScenarioLog(name: string, options: ScenarioOptions, withMetadata = false) {
  const s = await Scenario.start(options);
  try {
    const t = { like() {}, is() {}, deepEqual() {}, true() {}, false() {} };
    await scenarios[name]!(t as never, s);
    await s.settle();
    return { streams: streamsOf(await s.events(), withMetadata), audit: await s.audit(), errors: s.errors };
  } finally {
    await s.stop();
  }
}
