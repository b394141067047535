import { type Kva, kvaHex, physHex } from '../arch/address';
import { DescType, descAddr, descType } from '../arch/descriptor';
import type { Level } from '../arch/geometry';
import { PageState } from '../memory/page';
import type { PageTables } from './page-tables';
import { entryIndex, type TableView } from './table-view';

/** One level of a walk: the table read, the entry index and what the entry held. */
export interface WalkStep {
  readonly level: Level;
  readonly table: number;
  readonly index: number;
  readonly lo: number;
  readonly hi: number;
  readonly type: DescType;
}

export interface Walk {
  readonly kva: Kva;
  readonly steps: readonly WalkStep[];
  /** The output address, when the walk reached a page or block. */
  readonly pa?: number;
  /** The level of the leaf, or of the entry that faulted. */
  readonly stoppedAt: Level;
  readonly fault?: 'none' | 'reserved';
}

/**
 * A software walk (the kernel reading its own tables with READ_ONCE): VA → PA or a fault, level by
 * level, naming every table page it touched. It does not use or fill the TLB.
 */
export function walk(pt: TableView, kva: Kva, accessor = 'walker', from?: { depth: number; table: number }): Walk {
  const geo = pt.geo;
  const steps: WalkStep[] = [];
  let table = from?.table ?? pt.pgd;
  // No entry of the last level is a table, so the walk ends there at the latest.
  for (let d = from?.depth ?? 0; ; d++) {
    const level = geo.levels[d] as Level;
    const index = entryIndex(level, kva);
    const words = pt.words(table, accessor);
    const lo = words[2 * index] ?? 0;
    const hi = words[2 * index + 1] ?? 0;
    const type = descType(level, lo);
    steps.push({ level, table, index, lo, hi, type });
    if (type === DescType.Table) {
      table = descAddr(lo, hi, geo.pageShift) / geo.pageSize;
      continue;
    }
    if (type === DescType.Block || type === DescType.Page) {
      return { kva, steps, stoppedAt: level, pa: descAddr(lo, hi, geo.pageShift) + (kva % level.entrySize) };
    }
    return { kva, steps, stoppedAt: level, fault: type === DescType.Invalid ? 'none' : 'reserved' };
  }
}

/** The physical address kva translates to, or −1: the same walk without building a report. */
export function translate(pt: TableView, kva: Kva): number {
  const geo = pt.geo;
  let table = pt.pgd;
  for (let d = 0; ; d++) {
    const level = geo.levels[d] as Level;
    const words = pt.words(table, 'walker');
    const i = 2 * entryIndex(level, kva);
    const lo = words[i] ?? 0;
    const hi = words[i + 1] ?? 0;
    const type = descType(level, lo);
    if (type === DescType.Table) table = descAddr(lo, hi, geo.pageShift) / geo.pageSize;
    else if (type === DescType.Block || type === DescType.Page)
      return descAddr(lo, hi, geo.pageShift) + (kva % level.entrySize);
    else return -1;
  }
}

/**
 * A hardware walk by the CPU's MMU: a TLB hit answers at once; otherwise the walk starts from the
 * deepest cached table pointer (reporting it if that page is no longer a live table) and fills the
 * TLB and walk cache on the way. Either way, reaching a page that was freed is reported.
 */
export function mmuTranslate(pt: PageTables, kva: Kva, cpu = 'cpu'): number {
  const hit = pt.tlb.lookupLeaf(kva);
  if (hit !== undefined) return checkLive(pt, kva, hit, cpu, 'a stale TLB entry');
  const cached = pt.tlb.deepestWalk(kva);
  if (cached && !pt.mem.isLiveTable(cached.table)) {
    pt.mem.violations.push({
      kind: 'stale-walk-cache',
      pfn: cached.table,
      accessor: cpu,
      detail: `${cpu} walked ${kvaHex(pt.geo, kva)} through a cached pointer to the freed table page at ${physHex(cached.table * pt.geo.pageSize)}`,
    });
  }
  const w = walk(pt, kva, cpu, cached);
  for (const step of w.steps) {
    if (step.type === DescType.Table) {
      pt.tlb.fillWalk(step.level.depth, kva, descAddr(step.lo, step.hi, pt.geo.pageShift) / pt.geo.pageSize);
    }
  }
  if (w.pa === undefined) return -1;
  pt.tlb.fillLeaf(w.stoppedAt.depth, kva, w.pa - (kva % w.stoppedAt.entrySize));
  return checkLive(pt, kva, w.pa, cpu, 'an entry not yet cleared');
}

/** The translation, after reporting a use-after-free if the page it names was freed. */
function checkLive(pt: PageTables, kva: Kva, pa: number, cpu: string, through: string): number {
  const pfn = Math.floor(pa / pt.geo.pageSize);
  if (pt.mem.state(pfn) === PageState.Poisoned) {
    pt.mem.violations.push({
      kind: 'use-after-free',
      pfn,
      accessor: cpu,
      detail: `${cpu} read ${kvaHex(pt.geo, kva)} through ${through}: the page at ${physHex(pfn * pt.geo.pageSize)} was freed`,
    });
  }
  return pa;
}
