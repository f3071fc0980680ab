/** `--compare-live`: every difference between the rebuilt models and the live read store's current versions. */
import type { ReadStore } from '../../projections/store/port.js';
import type { DumpValue } from '../../projections/store/port.js';
import { canonicalJson } from './hash.js';

export interface ModelDifference {
  projection: string;
  key: string;
  /** null: the key is missing on that side */
  live: DumpValue | null;
  rebuilt: DumpValue | null;
}

export interface LiveComparison {
  differences: ModelDifference[];
  /** projection → live checkpoint and version (null when the live store has none) */
  live: Record<string, { version: number | null; checkpoint: string | null }>;
}

export async function compareWithLive(models: Record<string, Record<string, DumpValue>>, versions: Record<string, number>, live: ReadStore): Promise<LiveComparison> {
  const differences: ModelDifference[] = [];
  const info: LiveComparison['live'] = {};
  for (const [projection, rebuilt] of Object.entries(models)) {
    const version = await live.currentVersion(projection);
    info[projection] = { version, checkpoint: version === null ? null : await live.checkpoint(projection, version) };
    if (version !== versions[projection]) {
      differences.push({ projection, key: '$version', live: { type: 'string', value: String(version) }, rebuilt: { type: 'string', value: String(versions[projection]) } });
      continue;
    }
    const liveModel = await live.exportVersion(projection, version);
    for (const key of new Set([...Object.keys(liveModel), ...Object.keys(rebuilt)])) {
      const a = liveModel[key] ?? null;
      const b = rebuilt[key] ?? null;
      if (a === null || b === null || canonicalJson(a) !== canonicalJson(b)) differences.push({ projection, key, live: a, rebuilt: b });
    }
  }
  differences.sort((x, y) => (x.projection < y.projection ? -1 : x.projection > y.projection ? 1 : x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return { differences, live: info };
}
