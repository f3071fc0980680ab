import test from 'ava';
import type { AllSubscription, EventStore, SubscriptionMessage } from '../../eventstore/port.js';
import type { ScenarioOptions } from '../support/scenario.js';
import { runScenarioLog } from '../support/scenarioRun.js';
import { scenarios } from '../support/scenarioList.js';

/**
 * At-least-once delivery made harmless: the same scenario with every workflow event delivered
 * twice, and with the workflow checkpoint reset to the start of the log midway, must end in the
 * very same log (every stream, event by event) as a plain run — so no journal line twice.
 */
function deliverTwice(store: EventStore): EventStore {
  return {
    append: (stream, events, expected) => store.append(stream, events, expected),
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    headPosition: () => store.headPosition(),
    close: () => store.close(),
    subscribeToAll(options): AllSubscription {
      const inner = store.subscribeToAll(options);
      return {
        close: () => inner.close(),
        async *[Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
          for await (const message of inner) {
            yield message;
            if (message.kind === 'event') yield message;
          }
        },
      };
    },
  };
}

const run = (name: string, options: ScenarioOptions) => runScenarioLog(name, options, false);

const CASES = [
  'reduce with profit, reduce with a loss, then full close',
  'a close order whose position was liquidated first: compensation, negative wallet, deficit',
  'the insurance account takes over, trades out reduce-only, and nets an opposite take-over',
  'cancel of a partially filled order at leverage 3 releases exactly the remainder',
];

for (const name of CASES) {
  test(`redelivered twice and from a reset checkpoint: ${name}`, async (t) => {
    const plain = await run(name, {});
    t.deepEqual(plain.audit, []);
    const twice = await run(name, { runtime: { workflowStore: deliverTwice } });
    t.deepEqual(twice.streams, plain.streams, 'every event delivered twice');
    t.deepEqual(twice.audit, []);
    t.deepEqual(twice.errors, []);
    const reset = await run(name, { resetWorkflowsAtSettle: 9 });
    t.deepEqual(reset.streams, plain.streams, 'checkpoint reset to 0 midway');
    t.deepEqual(reset.audit, []);
    t.deepEqual(reset.errors, []);
  });
}
