/** `--to <position|ISO time>`: a time means the store's commit time, which grows in log order (DESIGN §11). */
import type { EventStore, Position } from '../../eventstore/port.js';

export class BadReplayArgument extends Error {
  override name = 'BadReplayArgument';
}

/** The last log position committed at or before `to` (a position is returned as given). */
export async function resolveTarget(store: EventStore, to: string): Promise<Position> {
  if (/^(0|[1-9][0-9]{0,19})$/.test(to)) return to;
  const ms = Date.parse(to);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(to) || Number.isNaN(ms)) throw new BadReplayArgument(`--to takes a log position or an ISO time, got ${JSON.stringify(to)}`);
  let position: Position = '0';
  for await (const event of store.readAll()) {
    if (Date.parse(event.created) > ms) break;
    position = event.position;
  }
  return position;
}
