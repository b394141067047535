import { type Kva, kvaHex, physHex } from '../arch/address';
import { descAddr, isNone, isPresent, isSect, isTable } from '../arch/descriptor';
import type { Geometry, Level } from '../arch/geometry';
import { KernelWarning } from '../errors';
import type { Kernel } from '../mappings/kernel';
import { PageState } from '../memory/page';

/** The rules the up-front walk refuses, one per WARN_ON of pass 1 (and one per level the kernel walks blind). */
export const WARN_RULES = {
  notPresent: 'an entry on the hot-remove path is neither none nor present',
  neither: 'an entry on the hot-remove path is neither a block nor a table',
  blind: 'v5.7 walks into this entry as a table without a WARN, and it is not one',
  reserved: 'a reserved (boot) page must never be freed',
} as const;

/**
 * The top level of a 4-level configuration (p4d_present: any non-zero value) and of 64K's 3-level ones
 * (pud_sect always false, pud_table always true): pass 1 walks into every non-none entry as a table.
 */
function walkedBlind(geo: Geometry, level: Level): boolean {
  return level.depth === 0 && (geo.levelCount === 4 || (geo.levelCount === 3 && geo.granule === 64));
}

/**
 * What pass 1 warns about in one entry above the PTE level (checkLeaves checks the PTEs), by the p*d_*
 * helpers v5.7 applies at its level: none is all 64 bits zero and is skipped; present is valid or
 * PROT_NONE (bit 58); a present entry must be a block (bits[1:0] = 01) or a table (11) — so one
 * present only through PROT_NONE is "neither a block nor a table". Where the kernel walks in without looking, the model, which cannot
 * follow a non-table into a page, refuses too and says so.
 */
export function entryWarning(geo: Geometry, level: Level, lo: number, hi: number): string | undefined {
  if (isNone(lo, hi)) return undefined;
  if (walkedBlind(geo, level)) return isTable(lo) ? undefined : WARN_RULES.blind;
  if (!isPresent(lo, hi)) return WARN_RULES.notPresent;
  if (isSect(lo) || isTable(lo)) return undefined;
  return WARN_RULES.neither;
}

/**
 * The WARN_ON conditions of the two passes, checked by a read-only walk before anything changes: every
 * entry of the range at every level, first and last included (see entryWarning), and — when the mapped
 * pages are to be freed — a reserved (boot) page among them. The kernel warns in the middle of the
 * teardown and carries on; the model refuses the whole request so that the state stays as it was.
 */
export function checkTeardown(k: Kernel, start: Kva, end: Kva, freeMapped: boolean): void {
  checkLevel(k, k.pt.pgd, 0, start, end, freeMapped);
}

function checkLevel(k: Kernel, table: number, depth: number, start: Kva, end: Kva, freeMapped: boolean): void {
  const { pt, geo } = k;
  const level = geo.levels[depth] as Level;
  const words = pt.words(table, 'hot-remove');
  if (depth === geo.levels.length - 1) {
    checkLeaves(k, words, level, start, end, freeMapped);
    return;
  }
  for (let addr = start, next = start, index = pt.index(level, start); addr < end; addr = next, index++) {
    next = Math.min((Math.floor(addr / level.entrySize) + 1) * level.entrySize, end);
    const lo = words[2 * index] as number;
    const hi = words[2 * index + 1] as number;
    const rule = entryWarning(geo, level, lo, hi);
    if (rule) throw new KernelWarning(rule, { level: level.name, va: kvaHex(geo, addr) });
    if (isNone(lo, hi)) continue;
    if (isTable(lo)) checkLevel(k, descAddr(lo, hi, geo.pageShift) / geo.pageSize, depth + 1, addr, next, freeMapped);
    else if (freeMapped) checkNotReserved(k, level, addr, lo, hi);
  }
}

/** The PTE level, one page per entry: only "neither none nor present" and, when freeing, a reserved page. */
function checkLeaves(k: Kernel, words: Uint32Array, level: Level, start: Kva, end: Kva, freeMapped: boolean): void {
  const first = k.pt.index(level, start);
  const last = first + (end - start) / level.entrySize;
  for (let i = first; i < last; i++) {
    const lo = words[2 * i] as number;
    const hi = words[2 * i + 1] as number;
    if (isNone(lo, hi)) continue;
    const va = start + (i - first) * level.entrySize;
    if (!isPresent(lo, hi))
      throw new KernelWarning(WARN_RULES.notPresent, { level: level.name, va: kvaHex(k.geo, va) });
    if (freeMapped) checkNotReserved(k, level, va, lo, hi);
  }
}

function checkNotReserved(k: Kernel, level: Level, va: Kva, lo: number, hi: number): void {
  const target = descAddr(lo, hi, k.geo.pageShift) / k.geo.pageSize;
  if (k.mem.state(target) !== PageState.Reserved) return;
  throw new KernelWarning(WARN_RULES.reserved, {
    level: level.name,
    va: kvaHex(k.geo, va),
    page: physHex(target * k.geo.pageSize),
  });
}
