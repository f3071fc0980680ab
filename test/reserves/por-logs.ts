/**
 * Logs for the proof-of-reserves tests, produced by the domain deciders through the test log
 * builder: a long random session (makers, takers, cancels, mark moves, deposits, liquidations
 * taken over by a funded insurance account), then a fixed tail that guarantees the cases the
 * reconciliation must survive: a flip, a close order filled after its position was liquidated
 * (compensation), and a forced liquidation whose loss exceeds the margin, leaving a deficit
 * smaller than the insurance fund.
 */
import { LogBuilder, randomScenario } from '../support/logBuilder.js';

export interface PorLog {
  builder: LogBuilder;
  /** event counts after each random step (indices into builder.events, for mid-log positions) */
  stepEnds: number[];
}

export function porScenario(options: { seed: number; steps: number; users?: number }): PorLog {
  const stepEnds: number[] = [];
  const b = randomScenario({ ...options, onStep: (_, events) => stepEnds.push(events) });

  for (const u of ['flipper', 'flipMaker', 'flipTaker', 'loser', 'racer', 'closer', 'lossTaker']) b.registerUser(u);
  b.deposit('flipper', '1000').deposit('flipMaker', '1000').deposit('flipTaker', '1000');
  b.deposit('loser', '51').deposit('racer', '51').deposit('closer', '5000').deposit('lossTaker', '5000');

  // flip: long 10, then sell 15 → close 10, open short 5
  const long = b.place({ userId: 'flipper', side: 'BUY', qty: '10', price: '50000' });
  const sell = b.place({ userId: 'flipMaker', side: 'SELL', qty: '10', price: '50000' }, { rest: false });
  b.take(sell.orderId, [{ orderId: long.orderId, qty: '10' }]);
  const bid = b.place({ userId: 'flipTaker', side: 'BUY', qty: '15', price: '50000' });
  const flip = b.place({ userId: 'flipper', side: 'SELL', qty: '15', price: '50000' }, { rest: false });
  b.take(flip.orderId, [{ orderId: bid.orderId, qty: '15' }]);

  // compensation: racer's resting close order fills after the position was liquidated
  const racerLong = b.place({ userId: 'racer', side: 'BUY', qty: '10', price: '50000' });
  const racerSell = b.place({ userId: 'closer', side: 'SELL', qty: '10', price: '50000' }, { rest: false });
  b.take(racerSell.orderId, [{ orderId: racerLong.orderId, qty: '10' }]);
  const close = b.place({ userId: 'racer', side: 'SELL', qty: '10', price: '46000', reduceOnly: true });
  b.liquidate('racer', '45000');
  const lift = b.place({ userId: 'closer', side: 'BUY', qty: '10', price: '46000' }, { rest: false });
  b.take(lift.orderId, [{ orderId: close.orderId, qty: '10' }]);

  // deficit: long 10 at 50000 on 51 USDT, liquidated at 44000 → loss 60 > margin 50
  const loserLong = b.place({ userId: 'loser', side: 'BUY', qty: '10', price: '50000' });
  const loserSell = b.place({ userId: 'lossTaker', side: 'SELL', qty: '10', price: '50000' }, { rest: false });
  b.take(loserSell.orderId, [{ orderId: loserLong.orderId, qty: '10' }]);
  b.liquidate('loser', '44000');
  b.setMark('44500');
  return { builder: b, stepEnds };
}
