import { type Kva, kvaHex, physHex } from '../arch/address';
import { DescType, descAddr, descType } from '../arch/descriptor';
import type { Geometry, Level } from '../arch/geometry';
import type { TableView } from '../tables/table-view';

/** A table page whose span meets a VA range: level, span, live entries and the leaves it holds. */
export interface SeenTable {
  readonly level: Level['name'];
  /** First and end (exclusive) model address this table maps. */
  readonly start: Kva;
  readonly end: Kva;
  /** Physical address of the table page (differs from run to run; not compared). */
  readonly pa: number;
  /** Entries that are not none. */
  readonly live: number;
  readonly tables: number;
  readonly blocks: number;
  readonly pages: number;
  /** Live entries whose span lies outside every range: what else the table maps (boot memory, vmalloc…). */
  readonly others: number;
  /** The live entries whose span meets a range, by kind: what the table maps of the ranges. */
  readonly inside: { readonly tables: number; readonly blocks: number; readonly pages: number };
  /** The first address each of those maps, at most four. */
  readonly otherVas: readonly Kva[];
}

/**
 * Every table page reachable from swapper_pg_dir whose span meets one of the ranges, parents before
 * children; only entries inside a range are followed, so a walk of the hot-plugged range reads only the
 * tables on its paths.
 */
export function tablesOver(view: TableView, ranges: readonly { start: Kva; end: Kva }[]): SeenTable[] {
  const geo = view.geo;
  const out: SeenTable[] = [];
  const meets = (start: Kva, end: Kva): boolean => ranges.some((r) => start < r.end && r.start < end);
  const visit = (pfn: number, depth: number, base: Kva): void => {
    const level = geo.levels[depth] as Level;
    const words = view.words(pfn, 'conformance');
    const span = depth === 0 ? 2 ** geo.vaBits : level.tableSpan;
    // A table wholly inside a range (most of a page-mapped range) needs no test per entry.
    const within = ranges.some((r) => r.start <= base && base + span <= r.end);
    const counts = { live: 0, tables: 0, blocks: 0, pages: 0, others: 0 };
    const inside = { tables: 0, blocks: 0, pages: 0 };
    const otherVas: Kva[] = [];
    const children: [number, Kva][] = [];
    for (let i = 0; i < level.entries; i++) {
      const lo = words[2 * i] ?? 0;
      const hi = words[2 * i + 1] ?? 0;
      if ((lo | hi) === 0) continue;
      counts.live++;
      const type = descType(level, lo);
      const va = base + i * level.entrySize;
      const met = within || meets(va, va + level.entrySize);
      if (!met) {
        counts.others++;
        if (otherVas.length < 4) otherVas.push(va);
      }
      if (type === DescType.Table) {
        counts.tables++;
        if (met) {
          inside.tables++;
          children.push([descAddr(lo, hi, geo.pageShift) / geo.pageSize, va]);
        }
      } else if (type === DescType.Block) {
        counts.blocks++;
        if (met) inside.blocks++;
      } else if (type === DescType.Page) {
        counts.pages++;
        if (met) inside.pages++;
      }
    }
    out.push({ level: level.name, start: base, end: base + span, pa: pfn * geo.pageSize, ...counts, inside, otherVas });
    for (const [child, va] of children) visit(child, depth + 1, va);
  };
  visit(view.pgd, 0, 0);
  return out;
}

/** A table's identity across stages: its level and span (not its physical address). */
export const tableKey = (t: SeenTable): string => `${t.level}@${t.start}`;

/** Tables in runs: consecutive tables of one level, spans end to end, with the same counts throughout. */
export function tableRuns(tables: readonly SeenTable[]): SeenTable[][] {
  const same = (a: SeenTable, b: SeenTable): boolean =>
    a.level === b.level &&
    a.live === b.live &&
    a.tables === b.tables &&
    a.blocks === b.blocks &&
    a.pages === b.pages &&
    a.others === b.others &&
    a.inside.tables === b.inside.tables &&
    a.inside.blocks === b.inside.blocks &&
    a.inside.pages === b.inside.pages;
  const runs: SeenTable[][] = [];
  for (const t of tables) {
    const run = runs.at(-1);
    const last = run?.at(-1);
    if (run && last && same(last, t) && last.end === t.start) run.push(t);
    else runs.push([t]);
  }
  return runs;
}

/**
 * One line per run of tables (256 full PTE tables print as one line), with the physical address of
 * the first.
 */
export function formatTables(geo: Geometry, tables: readonly SeenTable[]): string[] {
  return tableRuns(tables).map((run) => {
    const first = run[0] as SeenTable;
    const last = run.at(-1) as SeenTable;
    const count = run.length > 1 ? ` ×${run.length}` : '';
    return (
      `${first.level.padEnd(3)}${count.padEnd(5)} ${kvaHex(geo, first.start)}-${kvaHex(geo, last.end)}` +
      ` live ${String(first.live).padStart(3)} (tables ${first.tables}, blocks ${first.blocks}, pages ${first.pages})` +
      ` at ${physHex(first.pa)}${run.length > 1 ? ' …' : ''}` +
      (first.others > 0
        ? `; ${first.others} map elsewhere: ${first.otherVas.map((va) => kvaHex(geo, va)).join(', ')}${first.others > 4 ? ' …' : ''}`
        : '')
    );
  });
}
