import type { Step } from '../tables/step';

/**
 * Two allocations race for the same fresh page, and two frees for the order of the free list. An
 * allocation and a free commute: the allocator hands out fresh pages before it reuses freed ones, and
 * the pools of the explored states never run dry.
 */
const allocatorConflict = (a: Step, b: Step): boolean => (a.op === 'allocate' || a.op === 'free') && a.op === b.op;

/**
 * Whether two steps of different actors commute: they touch no common page (unless both only read
 * it), use no common lock, are not both allocator operations, and neither is a hardware walk racing an
 * invalidation or a write. Dependent steps are the only ones the explorer reorders.
 */
export function independent(a: Step, b: Step): boolean {
  if (a.actor === b.actor) return false;
  if (a.lock && b.lock && a.lock.name === b.lock.name) return false;
  if (allocatorConflict(a, b)) return false;
  if (a.op === 'walk' || b.op === 'walk') {
    const other = a.op === 'walk' ? b : a;
    if (other.op === 'walk' || !other.readOnly) return false;
  }
  if (a.readOnly && b.readOnly) return true;
  return !a.pages.some((p) => b.pages.includes(p));
}
