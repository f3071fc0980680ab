/**
 * Workload files: `<prefix>.bin` (records) and `<prefix>.json` (params, sha256, reference result),
 * the layout of the published standard workloads.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { RECORD_BYTES, WorkloadFormatError, decodeColumns, type WorkloadColumns } from './format.js';
import type { GeneratedWorkload, WorkloadParams, WorkloadSummary } from './generate.js';

export interface WorkloadMeta {
  params: WorkloadParams;
  recordBytes: number;
  sha256: string;
  referenceResult: WorkloadSummary;
}

export function saveWorkload(prefix: string, w: GeneratedWorkload): void {
  mkdirSync(dirname(prefix), { recursive: true });
  writeFileSync(`${prefix}.bin`, w.buf);
  const meta: WorkloadMeta = { params: w.params, recordBytes: RECORD_BYTES, sha256: w.sha256, referenceResult: w.summary };
  writeFileSync(`${prefix}.json`, JSON.stringify(meta, null, 2));
}

/** reads and decodes a workload, refusing a file whose sha256 differs from its .json */
export function loadWorkload(prefix: string): { meta: WorkloadMeta; columns: WorkloadColumns } {
  const meta = JSON.parse(readFileSync(`${prefix}.json`, 'utf8')) as WorkloadMeta;
  const buf = readFileSync(`${prefix}.bin`);
  const sha = createHash('sha256').update(buf).digest('hex');
  if (sha !== meta.sha256) throw new WorkloadFormatError(`workload sha256 mismatch ${sha} != ${meta.sha256}`);
  return { meta, columns: decodeColumns(buf, meta.params.prefill) };
}
