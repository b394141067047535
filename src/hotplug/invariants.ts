import { kvaHex, physHex } from '../arch/address';
import type { Kernel } from '../mappings/kernel';
import { PageState } from '../memory/page';
import { reachableTables, tableIsEmpty } from '../tables/tree';
import type { TableDecision, TeardownReport } from './remove';

/**
 * The invariants every operation must keep, as a list of broken ones (empty = all hold): no reachable
 * table page is free; table accounting matches the tree; no cached walk points into a freed page;
 * static (kernel image) tables are all still reachable; no memory violation was recorded.
 */
export function brokenInvariants(k: Kernel): string[] {
  const broken: string[] = [];
  const nodes = reachableTables(k.pt, 'invariants');
  const counts = k.geo.levels.map(() => 0);
  const seen = new Set<number>();
  for (const n of nodes) {
    counts[n.level.depth] = (counts[n.level.depth] ?? 0) + 1;
    seen.add(n.pfn);
    const state = k.mem.state(n.pfn);
    if (state !== PageState.InUse && state !== PageState.Reserved) {
      broken.push(
        `reachable ${n.level.name} table ${physHex(n.pfn * k.geo.pageSize)} at ${kvaHex(k.geo, n.va)} is not in use`,
      );
    }
  }
  k.geo.levels.forEach((l, d) => {
    if (counts[d] !== k.mem.liveTables[d]) {
      broken.push(`${l.name} tables: ${k.mem.liveTables[d]} counted live, ${counts[d]} reachable from the PGD`);
    }
  });
  for (const e of k.pt.tlb.staleWalks())
    broken.push(`walk cache holds a pointer to freed table: ${k.pt.tlb.describe(e)}`);
  for (const pfn of k.pt.staticTables) {
    if (!seen.has(pfn)) broken.push(`static table ${physHex(pfn * k.geo.pageSize)} is no longer reachable`);
  }
  for (const v of k.mem.violations) broken.push(v.detail);
  return broken;
}

/** The tables a teardown kept that are now empty: left behind. */
export function leftEmpty(k: Kernel, reports: readonly TeardownReport[]): TableDecision[] {
  return reports
    .flatMap((r) => r.decisions)
    .filter(
      (d) =>
        !d.freed &&
        k.mem.isLiveTable(d.pfn) &&
        tableIsEmpty(k.pt, d.pfn, k.geo.levels.find((l) => l.name === d.level)?.entries ?? 0, 'invariants'),
    );
}
