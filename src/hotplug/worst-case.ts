import { type Kva, toKva } from '../arch/address';
import { PAGE_KERNEL } from '../arch/descriptor';
import type { Geometry, Level, LevelName } from '../arch/geometry';
import { RangeRuleError } from '../errors';
import { createPgdMapping, NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS } from '../mappings/create-mapping';
import type { Kernel } from '../mappings/kernel';
import { runToEnd } from '../tables/step';
import { leavesBelow } from '../tables/tree';
import { leftEmpty } from './invariants';
import { removePgdMapping, type TableDecision, type TeardownReport } from './remove';

/** The worst case of floor/ceiling = the removed range: which boundary it crosses and what stays behind. */
export interface WorstCase {
  /** The level whose entry boundary the range crosses (PGD unless the linear map holds no such boundary). */
  readonly crosses: LevelName;
  readonly boundary: Kva;
  readonly start: Kva;
  readonly end: Kva;
  readonly report: TeardownReport;
  /** The tables the teardown kept that map nothing any more (see `strandedTables`). */
  readonly left: readonly TableDecision[];
  /** The subset `leftEmpty` sees: kept tables whose every entry is none. */
  readonly empty: readonly TableDecision[];
}

/**
 * The thread's bound for floor/ceiling = the removed range: at each end at most one table per freeable
 * level (every level below the PGD) — 2 × (levels − 1): 6, 4 or 2.
 */
export function leftBehindBound(geo: Geometry): number {
  return 2 * (geo.levelCount - 1);
}

/**
 * Builds the worst case in the linear map: a range of two pages around a boundary of the highest level
 * the free part of the linear map can cross, so that both edges are unaligned at every level; maps one
 * page at each edge (fresh tables all the way down), then tears the range down with
 * __remove_pgd_mapping under the `range` policy and collects the empty tables it kept.
 */
export function worstCase(k: Kernel): WorstCase {
  const { level, boundary } = crossableBoundary(k);
  const page = k.geo.pageSize;
  const start = boundary - page;
  const end = boundary + page;
  for (const va of [start, boundary]) {
    createPgdMapping(k.pt, {
      phys: va - k.layout.pageOffset + k.physOffset,
      virt: va,
      size: page,
      prot: PAGE_KERNEL,
      flags: NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS,
      actor: 'worst-case',
    });
  }
  const report = runToEnd(removePgdMapping(k, k.pt.pgd, start, end - start, { policy: 'range' }));
  const left = strandedTables(k, [report]);
  return { crosses: level.name, boundary, start, end, report, left, empty: leftEmpty(k, [report]) };
}

/**
 * The tables a teardown kept that map nothing (each once, as last decided: one vmemmap_free per
 * section may visit the same table): every entry none, or a table that itself maps nothing.
 * A kept upper table holding only the pointer to a kept empty table counts too — the thread's "pgtable
 * pages not freed at both ends", of which `leftEmpty` sees only the lowest.
 */
export function strandedTables(k: Kernel, reports: readonly TeardownReport[]): TableDecision[] {
  const last = new Map(reports.flatMap((r) => r.decisions).map((d) => [d.pfn, d]));
  return [...last.values()].filter(
    (d) => !d.freed && k.mem.isLiveTable(d.pfn) && mapsNothing(k, d.pfn, depthOf(k.geo, d.level)),
  );
}

/** The tables one teardown left behind, by the edge of [floor, ceiling) whose span they straddle. */
export interface LeftAtEdges {
  /** Tables whose span holds the floor strictly inside it. */
  readonly floor: readonly TableDecision[];
  /** Tables whose span holds the ceiling strictly inside it (a range inside one table is at both ends). */
  readonly ceiling: readonly TableDecision[];
  /** Tables left behind that straddle neither edge: the thread's argument says there are none. */
  readonly neither: readonly TableDecision[];
}

/**
 * The thread's bound, as what one teardown left: each table left behind straddles the floor or the
 * ceiling, and at each of the two edges there is at most one table per level below the PGD.
 */
export function leftAtEdges(k: Kernel, report: TeardownReport): LeftAtEdges {
  const left = strandedTables(k, [report]);
  const straddles = (d: TableDecision, edge: bigint): boolean => {
    if (edge === 0n) return false;
    const at = toKva(k.geo, edge);
    return d.va < at && at < d.va + d.span;
  };
  return {
    floor: left.filter((d) => straddles(d, report.floor)),
    ceiling: left.filter((d) => straddles(d, report.ceiling)),
    neither: left.filter((d) => !straddles(d, report.floor) && !straddles(d, report.ceiling)),
  };
}

function depthOf(geo: Geometry, name: LevelName): number {
  return geo.levels.findIndex((l) => l.name === name);
}

/** Whether no leaf is reachable from a table page. */
function mapsNothing(k: Kernel, pfn: number, depth: number): boolean {
  return leavesBelow(k.pt, pfn, depth, 0, 'worst-case').next().done === true;
}

/**
 * The highest level with a boundary B in the linear map such that one whole entry of that level on
 * each side of B maps nothing yet (above all present memory), so every edge table is fresh.
 */
function crossableBoundary(k: Kernel): { level: Level; boundary: Kva } {
  const mapped = Math.max(...k.mem.blocks.map((b) => k.linearVa(b.base + b.size)));
  for (const level of k.geo.levels.slice(0, -1)) {
    const size = level.entrySize;
    const boundary = Math.ceil(mapped / size) * size + size;
    if (boundary + size <= k.layout.pageEnd) return { level, boundary };
  }
  throw new RangeRuleError('the linear map has no free boundary to cross', { config: k.geo.name });
}
