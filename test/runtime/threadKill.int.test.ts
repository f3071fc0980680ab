import test from 'ava';
import { Scenario, type ScenarioOptions } from '../support/scenario.js';
import type { WorkflowThread } from '../../runtime/workflows/threadHost.js';

const THREAD: ScenarioOptions = { runtime: { workflowsThread: true, runnerStateStore: undefined, snapshotStore: undefined } };

test('a workflows thread killed again and again while orders stream in: each restart finishes the work (no order left PENDING) and the audit holds', async (t) => {
  const s = await Scenario.start(THREAD);
  try {
    const thread = s.runtime.workflows as WorkflowThread;
    await s.listBtc();
    await s.users('alice', 'bob', 'carol');
    for (const u of ['alice', 'bob', 'carol']) await s.deposit(u, '1000000');
    await s.settle();
    const orders: Array<Promise<string>> = [];
    let kills = 0;
    for (let i = 0; i < 60; i++) {
      orders.push(s.place(i % 3 === 0 ? 'alice' : 'bob', i % 2 === 0 ? 'SELL' : 'BUY', '1', String(50000 + (i % 5) * 10)));
      if (i % 15 === 7) {
        // a kill once the thread (started again after the last one) is at work
        await new Promise((resolve) => setTimeout(resolve, 5));
        await thread.terminateThread();
        kills += 1;
        await new Promise((resolve) => setTimeout(resolve, 400 * kills));
      }
    }
    const ids = await Promise.all(orders);
    await s.settle();
    const statuses = await Promise.all(ids.map(async (id) => (await s.order(id)).status));
    t.false(statuses.includes('PENDING'), statuses.join(' '));
    t.is(s.errors.filter((e) => /thread exited/.test(e)).length, kills);
    t.deepEqual(await s.audit(), []);
    t.true(s.errors.every((e) => /thread exited/.test(e)), s.errors.join('\n'));
    t.true(thread.stats.events > 0);
  } finally {
    await s.stop();
  }
});
