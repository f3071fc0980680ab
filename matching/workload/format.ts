/**
 * The standard workload's binary record (16 bytes, little endian):
 * u8 type | u8 side | u16 0 | i32 priceTicks | i32 qtyLots | u32 id
 * (id = command index; for CANCEL the target order's id; price 0 for MARKET/CANCEL; qty 0 for CANCEL).
 */
export const RECORD_BYTES = 16;
export const CMD_LIMIT = 0;
export const CMD_MARKET = 1;
export const CMD_CANCEL = 2;

export function writeRecord(buf: Buffer, index: number, type: number, side: number, priceTicks: number,
                            qtyLots: number, id: number): void {
  const o = index * RECORD_BYTES;
  buf.writeUInt8(type, o);
  buf.writeUInt8(side, o + 1);
  buf.writeUInt16LE(0, o + 2);
  buf.writeInt32LE(priceTicks, o + 4);
  buf.writeInt32LE(qtyLots, o + 8);
  buf.writeUInt32LE(id, o + 12);
}

/** A workload decoded into columns, so decoding is never part of a timed loop. */
export interface WorkloadColumns {
  total: number;
  prefill: number;
  type: Uint8Array;
  side: Uint8Array;
  priceTicks: Int32Array;
  qtyLots: Int32Array;
  id: Uint32Array;
}

export class WorkloadFormatError extends Error {
  override name = 'WorkloadFormatError';
}

export function decodeColumns(buf: Buffer, prefill: number): WorkloadColumns {
  if (buf.length % RECORD_BYTES !== 0) {
    throw new WorkloadFormatError(`workload length ${buf.length} is not a multiple of ${RECORD_BYTES}`);
  }
  const total = buf.length / RECORD_BYTES;
  const cols: WorkloadColumns = {
    total, prefill,
    type: new Uint8Array(total), side: new Uint8Array(total),
    priceTicks: new Int32Array(total), qtyLots: new Int32Array(total), id: new Uint32Array(total),
  };
  for (let i = 0; i < total; i++) {
    const o = i * RECORD_BYTES;
    const type = buf.readUInt8(o);
    const side = buf.readUInt8(o + 1);
    if (type > CMD_CANCEL || side > 1) throw new WorkloadFormatError(`bad record ${i}: type ${type}, side ${side}`);
    cols.type[i] = type;
    cols.side[i] = side;
    cols.priceTicks[i] = buf.readInt32LE(o + 4);
    cols.qtyLots[i] = buf.readInt32LE(o + 8);
    cols.id[i] = buf.readUInt32LE(o + 12);
  }
  return cols;
}
