import { type Kva, kvaHex, physHex } from '../arch/address';
import { DescType, descAddr, descType, VALID } from '../arch/descriptor';
import type { Level } from '../arch/geometry';
import { KernelWarning } from '../errors';
import type { Kernel } from '../mappings/kernel';
import { PageState } from '../memory/page';

/**
 * The WARN_ON conditions of the two passes, checked by a read-only walk before anything changes: an
 * entry that is not none but not valid, an upper-level entry that is neither block nor table, and —
 * when the mapped pages are to be freed — a reserved (boot) page among them. The kernel warns in the
 * middle of the teardown; the model refuses the whole request so that the state stays as it was.
 */
export function checkTeardown(k: Kernel, start: Kva, end: Kva, freeMapped: boolean): void {
  checkLevel(k, k.pt.pgd, 0, start, end, freeMapped);
}

function checkLevel(k: Kernel, table: number, depth: number, start: Kva, end: Kva, freeMapped: boolean): void {
  const { pt, geo } = k;
  const level = geo.levels[depth] as Level;
  const words = pt.words(table, 'hot-remove');
  for (let addr = start, next = start; addr < end; addr = next) {
    next = Math.min((Math.floor(addr / level.entrySize) + 1) * level.entrySize, end);
    const index = pt.index(level, addr);
    const lo = words[2 * index] as number;
    const hi = words[2 * index + 1] as number;
    if ((lo | hi) === 0) continue;
    const type = descType(level, lo);
    const va = kvaHex(geo, addr);
    if ((lo & VALID) === 0) warn('an entry on the hot-remove path is neither none nor present', level, va);
    if (type === DescType.Reserved) warn('an entry on the hot-remove path is neither a block nor a table', level, va);
    const target = descAddr(lo, hi, geo.pageShift) / geo.pageSize;
    if (type === DescType.Table) checkLevel(k, target, depth + 1, addr, next, freeMapped);
    else if (freeMapped && k.mem.state(target) === PageState.Reserved) {
      throw new KernelWarning('a reserved (boot) page must never be freed', {
        level: level.name,
        va,
        page: physHex(target * geo.pageSize),
      });
    }
  }
}

function warn(rule: string, level: Level, va: string): never {
  throw new KernelWarning(rule, { level: level.name, va });
}
