import { kvaHex } from '../arch/address';
import type { Geometry } from '../arch/geometry';
import { type SeenTable, tableKey } from './tables';

/** One way the model's tables over a range differ from what the real kernel showed. */
export interface Disagreement {
  /** The table, as its level and the span it maps. */
  readonly table: string;
  /** What differs, in words. */
  readonly what: string;
  readonly real: string | number | boolean;
  readonly model: string | number | boolean;
}

const spanText = (geo: Geometry, t: SeenTable): string => `${t.level} ${kvaHex(geo, t.start)}`;

/**
 * Compares the tables the real kernel showed over a range with the model's, table by table (level and
 * span; physical addresses differ from run to run and are not compared): a table on one side only;
 * else what it maps of the range — tables, blocks and pages — and whether it also maps something
 * outside the range (so that hot-remove must keep it). What else it maps is the kernel's own business
 * (boot memory, vmalloc, the image) and is compared only as "something or nothing".
 */
export function compareTables(geo: Geometry, real: readonly SeenTable[], model: readonly SeenTable[]): Disagreement[] {
  const out: Disagreement[] = [];
  const byKey = new Map(model.map((t) => [tableKey(t), t]));
  const seen = new Set<string>();
  for (const r of real) {
    const key = tableKey(r);
    seen.add(key);
    const m = byKey.get(key);
    if (!m) {
      out.push({ table: spanText(geo, r), what: 'table', real: 'present', model: 'absent' });
      continue;
    }
    for (const kind of ['tables', 'blocks', 'pages'] as const) {
      if (r.inside[kind] !== m.inside[kind]) {
        out.push({
          table: spanText(geo, r),
          what: `${kind} in the range`,
          real: r.inside[kind],
          model: m.inside[kind],
        });
      }
    }
    if (r.others > 0 !== m.others > 0) {
      out.push({
        table: spanText(geo, r),
        what: 'maps outside the range too',
        real: r.others > 0,
        model: m.others > 0,
      });
    }
  }
  for (const m of model) {
    if (!seen.has(tableKey(m))) out.push({ table: spanText(geo, m), what: 'table', real: 'absent', model: 'present' });
  }
  return out;
}

/** A disagreement as one line: `PTE 0xffff000040000000: pages in the range: real 512, model 0`. */
export function disagreementText(d: Disagreement): string {
  return `${d.table}: ${d.what}: real ${d.real}, model ${d.model}`;
}
