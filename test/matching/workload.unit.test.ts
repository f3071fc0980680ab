/**
 * The project's generator reproduces the published standard workloads byte for byte (sha256), and
 * replaying them on every book ends in the published reference state. The expected values below
 * are the published reference values of workload-v1 and workload-v1-deep.
 */
import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { depthHash } from '../../matching/book/hash.js';
import { FastBook } from '../../matching/book/fast-book.js';
import { ReferenceBook } from '../../matching/book/reference-book.js';
import type { BookSide, BookSink, ExpiryReasonCode, OrderBook, RejectCode } from '../../matching/book/types.js';
import { WorkloadFormatError, decodeColumns } from '../../matching/workload/format.js';
import { loadWorkload, saveWorkload } from '../../matching/workload/files.js';
import { WORKLOAD_V1, WORKLOAD_V1_DEEP, generateWorkload, type GeneratedWorkload } from '../../matching/workload/generate.js';
import { replayRange } from '../../matching/workload/replay.js';

const PUBLISHED = [
  { name: 'workload-v1', params: WORKLOAD_V1,
    sha256: 'f7e3048bbe0ca17a393df60b1c0833bd92b11c996fb9fa9ba19e82892797dd47',
    finalResting: 5046, finalDepthSha256: '34076f835007713d', makerFills: 363160, tradedQty: 1103874 },
  { name: 'workload-v1-deep', params: WORKLOAD_V1_DEEP,
    sha256: 'b57c1586d3bd9706b1a4c7160bf03eee21b6cb361ce854b943a228b4c02aa879',
    finalResting: 20180, finalDepthSha256: 'a9d3fff96f2ea3b7', makerFills: 349732, tradedQty: 1061774 },
];

const BOOKS: Array<[string, () => OrderBook]> = [
  ['reference', () => new ReferenceBook()],
  ['fast', () => new FastBook()],
  ['fast (tiny initial pools, so every pool grows)', () => new FastBook({ initialOrders: 1, initialLevels: 1 })],
];

/** counts what replaying produces; the workload never makes a book reject */
class CountingSink implements BookSink {
  trades = 0;
  tradedLots = 0;
  rejects = 0;
  rested(_i: number, _s: BookSide, _p: number, _q: number): void {}
  trade(_m: number, _mo: number, _t: number, _to: number, _s: BookSide, _p: number, qtyLots: number): void {
    this.trades++;
    this.tradedLots += qtyLots;
  }
  cancelled(_i: number, _r: number): void {}
  expired(_i: number, _r: number, _reason: ExpiryReasonCode): void {}
  rejected(_i: number, _reason: RejectCode): void { this.rejects++; }
}

const generated = new Map<string, GeneratedWorkload>();
const generatedOnce = (name: string): GeneratedWorkload => {
  let w = generated.get(name);
  if (w === undefined) {
    w = generateWorkload(PUBLISHED.find((p) => p.name === name)!.params);
    generated.set(name, w);
  }
  return w;
};

for (const pub of PUBLISHED) {
  test.serial(`${pub.name}: the generator reproduces the published sha256 and reference result`, (t) => {
    const w = generatedOnce(pub.name);
    t.is(w.sha256, pub.sha256);
    t.is(w.summary.finalResting, pub.finalResting);
    t.is(w.summary.finalDepthSha256, pub.finalDepthSha256);
    t.is(w.summary.makerFills, pub.makerFills);
    t.is(w.summary.tradedQty, pub.tradedQty);
  });

  for (const [bookName, makeBook] of BOOKS) {
    test.serial(`${pub.name}: replaying on the ${bookName} book ends in the reference state`, (t) => {
      const w = generatedOnce(pub.name);
      const cols = decodeColumns(w.buf, w.params.prefill);
      const book = makeBook();
      const sink = new CountingSink();
      replayRange(book, cols, 0, cols.total, sink);
      t.is(sink.rejects, 0);
      t.is(sink.trades, pub.makerFills);
      t.is(sink.tradedLots, pub.tradedQty);
      t.is(book.restingCount(), pub.finalResting);
      t.is(depthHash(book), pub.finalDepthSha256);
    });
  }
}

test.serial('a saved workload loads back into the same columns', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'workload-'));
  try {
    const w = generateWorkload({ n: 2_000, prefill: 100 });
    saveWorkload(join(dir, 'small'), w);
    const { meta, columns } = loadWorkload(join(dir, 'small'));
    t.is(meta.sha256, w.sha256);
    t.deepEqual(meta.referenceResult, JSON.parse(JSON.stringify(w.summary)));
    t.is(columns.total, 2_100);
    t.is(columns.prefill, 100);
    t.deepEqual(columns, decodeColumns(w.buf, 100));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.serial('a workload file whose bytes do not match its sha256 is refused', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'workload-'));
  try {
    const w = generateWorkload({ n: 500, prefill: 10 });
    saveWorkload(join(dir, 'small'), w);
    const tampered = Buffer.from(w.buf);
    tampered[8] = tampered[8]! ^ 1;
    writeFileSync(join(dir, 'small.bin'), tampered);
    t.throws(() => loadWorkload(join(dir, 'small')), { instanceOf: WorkloadFormatError });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
