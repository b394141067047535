import { fromKva, type Kva, kvaHex, physHex } from '../arch/address';
import { DescType, descAddr, descType, entriesNotNone, isNone } from '../arch/descriptor';
import type { Level, LevelName } from '../arch/geometry';
import type { Kernel } from '../mappings/kernel';
import type { Altmap } from '../memory/altmap';
import { PageState } from '../memory/page';
import type { Step, Steps } from '../tables/step';
import type { FreeingPolicy } from './policy';
import { type KvaBounds, kvaRangeAligned, pgtableRangeAligned, type RangeVerdict, spanMask } from './range-aligned';

/** Why a table page visited by pass 2 was freed or kept. */
export type TableReason =
  | 'freed'
  | 'outside floor/ceiling'
  | 'entries left'
  | 'policy leaves tables'
  | 'vmemmap shares a PGD entry with vmalloc';

export interface TableDecision {
  readonly pfn: number;
  readonly level: LevelName;
  /** First address the table maps, and its span in bytes. */
  readonly va: Kva;
  readonly span: number;
  readonly freed: boolean;
  readonly reason: TableReason;
  /** For 'outside floor/ceiling': which test of pgtable_range_aligned failed. */
  readonly verdict?: RangeVerdict;
  /** Live entries left, for 'entries left'. */
  readonly live?: number;
  /**
   * For a PageReserved table freed all the same: free_hotplug_page_range's WARN, and which kind of
   * reserved page it was. v5.7's floor and ceiling never let this happen; the comparison policies can.
   */
  readonly warning?: ReservedTable;
}

/** The PageReserved table pages: built in the kernel image, or from memblock at boot. */
export type ReservedTable = 'static (kernel image)' | 'reserved (boot)';

/** One run of the two-pass teardown over [start, end). */
export interface Teardown {
  readonly k: Kernel;
  readonly actor: string;
  /** Yield a Step before every shared-memory operation (the concurrency explorer); off = run straight. */
  readonly stepwise: boolean;
  /** Free what leaves map (vmemmap: true; linear map: false, the pages are the memory being removed). */
  readonly freeMapped: boolean;
  readonly altmap?: Altmap;
  readonly policy: FreeingPolicy;
  readonly floor: bigint;
  readonly ceiling: bigint;
  /** floor and ceiling as Kva offsets, where the verdict needs no BigInt (see kvaBounds). */
  readonly kvaBounds?: KvaBounds;
  readonly decisions: TableDecision[];
  /** When set, pass 2 keeps every table for this reason (V7's overlap rule for vmemmap). */
  readonly keepAll?: TableReason;
}

const step = (t: Teardown, op: Step['op'], pages: number[], readOnly: boolean, text: string): Step => ({
  actor: t.actor,
  op,
  pages,
  readOnly,
  text,
});

/**
 * unmap_hotplug_range: pass 1, every level's loop over [start, end), skipping none entries (all 64 bits
 * zero). Any other entry that is not a table is a leaf to clear — a PROT_NONE PTE included, since
 * pte_present counts it; the up-front check has refused the entries the kernel would warn about.
 * Under a one-pass policy (x86's remove_pagetable) each table is also decided here, right after its entries.
 */
export function* unmapHotplugRange(t: Teardown, start: Kva, end: Kva): Steps {
  yield* unmapLevel(t, t.k.pt.pgd, 0, start, end);
}

function* unmapLevel(t: Teardown, table: number, depth: number, start: Kva, end: Kva): Steps {
  const { pt, geo } = t.k;
  const level = geo.levels[depth] as Level;
  if (level.name === 'PTE' && !t.stepwise && t.policy.leafOrder === 'arm64') {
    unmapPtesStraight(t, table, level, start, end);
    return;
  }
  for (let addr = start; addr < end; ) {
    const next = Math.min((Math.floor(addr / level.entrySize) + 1) * level.entrySize, end);
    const index = pt.index(level, addr);
    if (t.stepwise)
      yield step(t, 'read', [table], true, `${t.actor} reads ${level.name}[${index}] for ${kvaHex(geo, addr)}`);
    const words = pt.words(table, t.actor);
    const lo = words[2 * index] as number;
    const hi = words[2 * index + 1] as number;
    const type = descType(level, lo);
    const pfn = descAddr(lo, hi, geo.pageShift) / geo.pageSize;
    if (type === DescType.Table) {
      yield* unmapLevel(t, pfn, depth + 1, addr, next);
      if (t.policy.onePass) yield* settle(t, { table, level, index }, pfn, geo.levels[depth + 1] as Level, addr, next);
    } else if (!isNone(lo, hi)) yield* clearLeaf(t, table, level, index, addr, pfn);
    addr = next;
  }
  if (level.name === 'PTE' && t.policy.leafOrder === 'x86') yield* flushTlbAll(t);
}

/** flush_tlb_all: every TLB entry and cached walk, on every CPU. */
export function* flushTlbAll(t: Teardown): Steps {
  if (t.stepwise) yield step(t, 'invalidate', [], false, `${t.actor} flushes the whole TLB (flush_tlb_all)`);
  t.k.pt.invalidateAll(t.actor);
}

/**
 * arm64: clear a page or a whole block → one TLBI at its address → free what it mapped (vmemmap only).
 * x86: free what it mapped → clear; the TLB is flushed whole after the PTE table's leaves.
 */
function* clearLeaf(t: Teardown, table: number, level: Level, index: number, addr: Kva, pfn: number): Steps {
  const { pt, geo } = t.k;
  if (t.policy.leafOrder === 'x86') yield* freeMapped(t, level, addr, pfn);
  if (t.stepwise)
    yield step(t, 'clear', [table], false, `${t.actor} clears ${level.name}[${index}] (${kvaHex(geo, addr)})`);
  pt.clearEntry(table, level.depth, index, addr, t.actor);
  if (t.policy.leafOrder === 'x86') return;
  if (t.stepwise)
    yield step(t, 'invalidate', [], false, `${t.actor} invalidates the TLB entry for ${kvaHex(geo, addr)}`);
  pt.invalidateLeaf(addr, t.actor);
  yield* freeMapped(t, level, addr, pfn);
}

/** What a leaf mapped goes back, in vmemmap only (the linear map's pages are the memory being removed). */
function* freeMapped(t: Teardown, level: Level, addr: Kva, pfn: number): Steps {
  const { geo } = t.k;
  if (!t.freeMapped) return;
  if (t.stepwise)
    yield step(
      t,
      'free',
      [pfn],
      false,
      `${t.actor} frees the ${level.name === 'PTE' ? 'page' : 'block'} at ${physHex(pfn * geo.pageSize)}`,
    );
  freeBacking(t, pfn, level.entrySize / geo.pageSize, addr);
}

/** free_hotplug_page_range: to the altmap if the pages came from it, else to the page allocator. */
function freeBacking(t: Teardown, pfn: number, pages: number, va: Kva): void {
  const { k, altmap } = t;
  const toAltmap = altmap !== undefined && pfn >= altmap.basePfn && pfn < altmap.basePfn + altmap.capacity;
  if (toAltmap) altmap.free(pfn, pages);
  else k.alloc.free(pfn, Math.log2(pages), t.actor);
  k.pt.trace.record({
    op: 'free',
    actor: t.actor,
    pfn,
    va,
    note: toAltmap ? 'vmemmap backing (altmap)' : 'mapped pages',
  });
}

/** The PTE loop run straight (not step-wise): same order, no per-entry generator overhead. */
function unmapPtesStraight(t: Teardown, table: number, level: Level, start: Kva, end: Kva): void {
  const { pt, geo } = t.k;
  const words = pt.writableWords(table, t.actor);
  const recording = pt.trace.recording;
  const cached = pt.tlb.hasLeaves();
  let index = pt.index(level, start);
  let cleared = 0;
  for (let addr = start; addr < end; addr += geo.pageSize, index++) {
    const lo = words[2 * index] as number;
    const hi = words[2 * index + 1] as number;
    if ((lo | hi) === 0) continue;
    if (recording) {
      pt.clearEntry(table, level.depth, index, addr, t.actor);
      pt.invalidateLeaf(addr, t.actor);
    } else {
      words[2 * index] = 0;
      words[2 * index + 1] = 0;
      if (cached) pt.tlb.invalidateLeaf(addr);
      cleared++;
    }
    if (t.freeMapped) freeBacking(t, descAddr(lo, hi, geo.pageShift) / geo.pageSize, 1, addr);
  }
  pt.trace.count('clear', cleared);
  pt.trace.count('invalidate-tlb', cleared);
}

/** free_empty_tables: pass 2, post-order over the present tables under [start, end); none under a one-pass policy. */
export function* freeEmptyTables(t: Teardown, start: Kva, end: Kva): Steps {
  if (t.policy.onePass) return;
  const { pt, geo } = t.k;
  const top = geo.levels[0] as Level;
  for (let addr = start; addr < end; ) {
    const next = Math.min((Math.floor(addr / top.entrySize) + 1) * top.entrySize, end);
    const index = pt.index(top, addr);
    if (t.stepwise) yield step(t, 'read', [pt.pgd], true, `${t.actor} reads PGD[${index}]`);
    const words = pt.words(pt.pgd, t.actor);
    const lo = words[2 * index] as number;
    if (descType(top, lo) === DescType.Table) {
      const child = descAddr(lo, words[2 * index + 1] as number, geo.pageShift) / geo.pageSize;
      yield* freeTable(t, { table: pt.pgd, level: top, index }, child, 1, addr, next);
    }
    addr = next;
  }
}

interface Parent {
  readonly table: number;
  readonly level: Level;
  readonly index: number;
}

/** free_empty_p*d_table for the table at `depth`: its children first, then the decision about itself. */
function* freeTable(t: Teardown, parent: Parent, table: number, depth: number, start: Kva, end: Kva): Steps {
  const { pt, geo } = t.k;
  const level = geo.levels[depth] as Level;
  if (level.name !== 'PTE') {
    for (let addr = start; addr < end; ) {
      const next = Math.min((Math.floor(addr / level.entrySize) + 1) * level.entrySize, end);
      const index = pt.index(level, addr);
      if (t.stepwise) yield step(t, 'read', [table], true, `${t.actor} reads ${level.name}[${index}]`);
      const words = pt.words(table, t.actor);
      const lo = words[2 * index] as number;
      if (descType(level, lo) === DescType.Table) {
        const child = descAddr(lo, words[2 * index + 1] as number, geo.pageShift) / geo.pageSize;
        yield* freeTable(t, { table, level, index }, child, depth + 1, addr, next);
      }
      addr = next;
    }
  }
  yield* settle(t, parent, table, level, start, end);
}

/** The decision about one table whose children are settled, and its release if it is freed. */
function* settle(t: Teardown, parent: Parent, table: number, level: Level, start: Kva, end: Kva): Steps {
  const decision = yield* decide(t, table, level, start, end);
  t.decisions.push(decision);
  if (decision.freed) yield* release(t, parent, table, level, start);
}

/**
 * The floor/ceiling test, then the all-none scan. A static or boot table that passes both is freed as
 * v5.7 would free it: with the WARN of free_hotplug_page_range, and then the free.
 */
function* decide(t: Teardown, table: number, level: Level, start: Kva, end: Kva): Steps<TableDecision> {
  const { k } = t;
  const span = level.tableSpan;
  const va = Math.floor(start / span) * span;
  // A literal, not a spread of a shared part: a removal of 64 GiB decides 32,000 tables.
  const decided = (freed: boolean, reason: TableReason): TableDecision => ({
    pfn: table,
    level: level.name,
    va,
    span,
    freed,
    reason,
  });
  if (t.keepAll) return decided(false, t.keepAll);
  if (!t.policy.freeTables || (level.name === 'PUD' && !t.policy.freesPudTables))
    return decided(false, 'policy leaves tables');
  const verdict = t.kvaBounds
    ? kvaRangeAligned(start, end, t.kvaBounds, span)
    : pgtableRangeAligned(
        fromKva(k.geo, start),
        fromKva(k.geo, end),
        t.floor,
        t.ceiling,
        spanMask(span),
        t.policy.rangeCheck,
      );
  if (verdict !== 'eligible') return { ...decided(false, 'outside floor/ceiling'), verdict };
  if (t.policy.scan) {
    if (t.stepwise)
      yield step(
        t,
        'read',
        [table],
        true,
        `${t.actor} scans every entry of the ${level.name} table at ${physHex(table * k.geo.pageSize)}`,
      );
    const live = entriesNotNone(t.k.pt.words(table, t.actor), level.entries);
    if (live > 0) return { ...decided(false, 'entries left'), live };
  }
  const warning = reservedKind(t, table);
  return warning ? { ...decided(true, 'freed'), warning } : decided(true, 'freed');
}

function reservedKind(t: Teardown, table: number): ReservedTable | undefined {
  if (t.k.pt.isStatic(table)) return 'static (kernel image)';
  return t.k.mem.state(table) === PageState.Reserved ? 'reserved (boot)' : undefined;
}

/** Clear the parent entry → invalidate the walk cache → free the page (x86: free first, flush all later). */
function* release(t: Teardown, parent: Parent, table: number, level: Level, start: Kva): Steps {
  const { pt, geo } = t.k;
  const page = physHex(table * geo.pageSize);
  if (t.policy.freeBeforeClear) {
    if (t.stepwise) yield step(t, 'free', [table], false, `${t.actor} frees the ${level.name} table at ${page}`);
    pt.freeTable(table, t.actor);
  }
  if (t.stepwise)
    yield step(t, 'clear', [parent.table], false, `${t.actor} clears ${parent.level.name}[${parent.index}]`);
  pt.clearEntry(parent.table, parent.level.depth, parent.index, start, t.actor);
  if (t.policy.invalidateWalk) {
    if (t.stepwise)
      yield step(t, 'invalidate', [], false, `${t.actor} invalidates cached walks for ${kvaHex(geo, start)}`);
    pt.invalidateWalk(start, t.actor);
  }
  if (!t.policy.freeBeforeClear) {
    if (t.stepwise) yield step(t, 'free', [table], false, `${t.actor} frees the ${level.name} table at ${page}`);
    pt.freeTable(table, t.actor);
  }
}
