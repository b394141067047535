import { type Kva, kvaHex, physHex } from '../arch/address';
import { DescType, descAddr, descType, VALID } from '../arch/descriptor';
import type { Level } from '../arch/geometry';
import { KernelWarning } from '../errors';
import type { Kernel } from '../mappings/kernel';
import { PageState } from '../memory/page';

/**
 * The WARN_ON conditions of the two passes, checked by a read-only walk before anything changes: an
 * entry that is not none but not present, and — when the mapped pages are to be freed — a reserved
 * (boot) page among them. The kernel warns in the middle of the teardown; the model refuses the whole
 * request so that the state stays as it was. The kernel's "neither block nor table" WARN cannot fire
 * for a present entry: p*d_sect() and p*d_table() read bits[1:0] only, so a present upper-level entry
 * is one or the other (a block encoding where the level allows none is torn down as a block, and a
 * level-3 entry with the reserved encoding is cleared as a page, as pass 1 does).
 */
export function checkTeardown(k: Kernel, start: Kva, end: Kva, freeMapped: boolean): void {
  checkLevel(k, k.pt.pgd, 0, start, end, freeMapped);
}

/** The last level when nothing mapped will be freed: only "not none but not present" can warn. */
function checkPresent(k: Kernel, words: Uint32Array, level: Level, start: Kva, end: Kva): void {
  const first = k.pt.index(level, start);
  const last = first + (end - start) / level.entrySize;
  for (let i = first; i < last; i++) {
    const lo = words[2 * i] as number;
    if ((lo & VALID) === 0 && (lo | (words[2 * i + 1] as number)) !== 0) {
      throw new KernelWarning('an entry on the hot-remove path is neither none nor present', {
        level: level.name,
        va: kvaHex(k.geo, start + (i - first) * level.entrySize),
      });
    }
  }
}

function checkLevel(k: Kernel, table: number, depth: number, start: Kva, end: Kva, freeMapped: boolean): void {
  const { pt, geo } = k;
  const level = geo.levels[depth] as Level;
  const words = pt.words(table, 'hot-remove');
  const isLast = depth === geo.levels.length - 1;
  if (isLast && !freeMapped) {
    checkPresent(k, words, level, start, end);
    return;
  }
  for (let addr = start, next = start, index = pt.index(level, start); addr < end; addr = next, index++) {
    next = Math.min((Math.floor(addr / level.entrySize) + 1) * level.entrySize, end);
    const lo = words[2 * index] as number;
    const hi = words[2 * index + 1] as number;
    if ((lo | hi) === 0) continue;
    if ((lo & VALID) === 0) {
      throw new KernelWarning('an entry on the hot-remove path is neither none nor present', {
        level: level.name,
        va: kvaHex(geo, addr),
      });
    }
    if (isLast && !freeMapped) continue;
    const target = descAddr(lo, hi, geo.pageShift) / geo.pageSize;
    if (!isLast && descType(level, lo) === DescType.Table) checkLevel(k, target, depth + 1, addr, next, freeMapped);
    else if (freeMapped && k.mem.state(target) === PageState.Reserved) {
      throw new KernelWarning('a reserved (boot) page must never be freed', {
        level: level.name,
        va: kvaHex(geo, addr),
        page: physHex(target * geo.pageSize),
      });
    }
  }
}
