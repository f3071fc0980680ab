/**
 * The worker thread of a parallel fold (parallel.ts): the audit half and the projections it is
 * given, over the on-disk log it reads and decodes itself up to the position it is given. Each
 * flush's compacted writes go to the calling thread's read models as one message; the audit's
 * results and the projections' end state follow in a last one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readLogEvents } from '../../eventstore/embedded/segmentReader.js';
import type { Position } from '../../eventstore/port.js';
import { allProjections } from '../../projections/index.js';
import type { WriteOp } from '../../projections/store/port.js';
import { AuditFold, balancesToWire, type AuditOutcome } from './auditSide.js';
import { ProjectionFold, type ProjectionsEnd } from './projectionSide.js';

export interface AuditWorkerInput {
  dir: string;
  through: Position;
  /** names of the projections this thread folds */
  projections: string[];
}

export interface CommittedWrites {
  projection: string;
  version: number;
  writes: WriteOp[];
  position: Position;
}

export type AuditWorkerMessage =
  | { kind: 'writes'; batches: CommittedWrites[] }
  | { kind: 'end'; outcome: AuditOutcome; balances: string[]; projections: ProjectionsEnd }
  /** an error crosses threads as its name, message and stack (parallel.ts rebuilds it) */
  | { kind: 'failed'; name: string; message: string; stack: string | undefined };

const input = workerData as AuditWorkerInput;
const port = parentPort!;
const post = (message: AuditWorkerMessage): void => port.postMessage(message);

async function run(): Promise<void> {
  let batches: CommittedWrites[] = [];
  const projections = new ProjectionFold(
    allProjections.filter((p) => input.projections.includes(p.name)),
    (projection, version, writes, position) => void batches.push({ projection, version, writes, position }),
  );
  const flush = async (position: Position): Promise<void> => {
    await projections.flush(position);
    post({ kind: 'writes', batches });
    batches = [];
  };

  const audit = new AuditFold();
  let seq = 0;
  let position: Position = '0';
  for await (const batch of readLogEvents(input.dir, input.through)) {
    for (const event of batch) {
      seq += 1;
      position = event.position;
      audit.apply(event, seq);
      projections.apply(event, seq);
      if (projections.flushDue) await flush(position);
    }
  }
  await flush(position);
  post({ kind: 'end', outcome: audit.outcome(), balances: balancesToWire(audit.balances), projections: projections.end() });
}

try {
  await run();
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  post({ kind: 'failed', name: e.name, message: e.message, stack: e.stack });
}
