/**
 * A hash field value rendered only when its write survives: a projection that rewrites the same
 * field on every event (a position's JSON) hands the store the immutable value and how to render
 * it, and only the write that is left after batch compaction pays for the rendering. compactBatch
 * renders the writes it keeps, and both adapters render any batch they are given before
 * validating it, so a store, a thread boundary or a log only ever sees strings.
 *
 * `value` must never change after the write is made (projection states are immutable or
 * replaced, never edited), and `toText` must be pure: rendering later gives the text rendering
 * at once would have given.
 */
import type { RenderedOp, WriteBatch, WriteOp } from './port.js';

export class Deferred<T = unknown> {
  constructor(
    readonly value: T,
    readonly toText: (value: T) => string,
  ) {}

  render(): string {
    return this.toText(this.value);
  }
}

/** a deferred field's text (a string value as it is) */
export type FieldValue = string | Deferred<any>;

/**
 * The op with every deferred field rendered: the same op unless it is an hset marked `deferred`
 * (write.hsetDeferred), else a new op without the mark (the caller's op is never changed). Only
 * marked ops are looked into, so a batch without deferred values costs one test per op. A
 * malformed op is passed as it came, for validation to refuse.
 */
export function renderedOp(op: WriteOp): RenderedOp {
  if (typeof op !== 'object' || op === null || op.op !== 'hset' || op.deferred !== true) return op as RenderedOp;
  const fields = op.fields;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return { op: 'hset', key: op.key, fields } as RenderedOp;
  const out: Record<string, string> = {};
  for (const field in fields) {
    if (!Object.hasOwn(fields, field)) continue;
    const value = fields[field]!;
    out[field] = value instanceof Deferred ? value.render() : value;
  }
  return { op: 'hset', key: op.key, fields: out };
}

/** the batch with every deferred field rendered (the same array when there is none) */
export function renderedBatch(ops: WriteBatch): readonly RenderedOp[] {
  if (!Array.isArray(ops)) return ops as readonly RenderedOp[];
  let out: RenderedOp[] | undefined;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const rendered = renderedOp(op);
    if (rendered !== op && out === undefined) out = ops.slice(0, i) as RenderedOp[];
    if (out !== undefined) out.push(rendered);
  }
  return out ?? (ops as readonly RenderedOp[]);
}
