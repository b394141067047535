import { describe, expect, it } from 'vitest';
import { SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { sharedTopEntry } from '../../src/arch/sharing';
import { archAddMemory } from '../../src/hotplug/add';
import { POLICIES } from '../../src/hotplug/policy';
import { archRemoveMemorySteps, sectionVmemmap } from '../../src/hotplug/remove';
import { strandedTables } from '../../src/hotplug/worst-case';
import type { Kernel } from '../../src/mappings/kernel';
import { reachableTables } from '../../src/tables/tree';
import { mmuTranslate } from '../../src/tables/walker';
import { smallKernel } from '../support/kernels';

// Every configuration under every policy: the matrix features/hot-remove/policies-side-by-side.feature
// shows on a few rows. A section in the middle of the linear map's reach needs only fresh tables, so
// what each policy frees and leaves behind follows from the tables the hot-add allocated.

/** A booted kernel per configuration, with the section added and the CPU's walks to it cached. */
const prepared = new Map<string, { k: Kernel; pa: number; added: { level: string; linear: boolean }[] }>();

function prepare(config: string) {
  const known = prepared.get(config);
  if (known) return known;
  const k = smallKernel(config, { rodataFull: false, trace: false });
  const pa = k.physOffset + (k.layout.pageEnd - k.layout.pageOffset) / 2;
  const before = new Set(reachableTables(k.pt).map((n) => n.pfn));
  archAddMemory(k, pa, k.geo.sectionSize);
  const added = reachableTables(k.pt)
    .filter((n) => !before.has(n.pfn))
    .map((n) => ({ level: n.level.name, linear: n.va < k.layout.pageEnd }));
  const entry = { k, pa, added };
  prepared.set(config, entry);
  return entry;
}

/** What the feature's columns say, derived from the tables the hot-add allocated. */
function expected(config: string, policy: string) {
  const { k, added } = prepare(config);
  const all = added.length;
  const freed = {
    'v5.7': all,
    'empty-only': all,
    range: 0,
    never: 0,
    // V7's flag: no vmemmap table freed where vmalloc's end and VMEMMAP_START share a PGD entry.
    v7: sharedTopEntry(k.layout).shared ? added.filter((t) => t.linear).length : all,
    // x86's remove_pagetable frees no PUD table.
    x86: added.filter((t) => t.level !== 'PUD').length,
  }[policy];
  // Only x86 frees a table before a walk-cache invalidation: the PMD table above a 4K section's
  // vmemmap PMD blocks, which no PTE-table flush precedes; flush_tlb_all at the end drops it.
  const staleAtWorst = policy === 'x86' && k.geo.granule === 4 ? 1 : 0;
  return { freed, left: all - (freed ?? 0), staleAtWorst, staleAfter: 0 };
}

describe('the policies side by side, every configuration', () => {
  const cases = SUPPORTED_CONFIGS.flatMap((config) => Object.keys(POLICIES).map((policy) => [config, policy]));

  it.each(cases)('%s, %s: tables freed, left behind, and stale walks during and after', (config, policy) => {
    const base = prepare(config);
    const k = base.k.clone();
    const [vmemmap] = sectionVmemmap(k, k.sectionOf(base.pa));
    for (const va of [k.linearVa(base.pa), vmemmap]) mmuTranslate(k.pt, va);
    const steps = archRemoveMemorySteps(k, base.pa, k.geo.sectionSize, { policy, stepwise: true });
    let staleAtWorst = 0;
    let next = steps.next();
    for (; !next.done; next = steps.next()) staleAtWorst = Math.max(staleAtWorst, k.pt.tlb.staleWalks().length);
    const parts = next.value.parts;
    staleAtWorst = Math.max(staleAtWorst, k.pt.tlb.staleWalks().length);
    expect({
      freed: parts.flatMap((r) => r.decisions).filter((d) => d.freed).length,
      left: strandedTables(k, parts).length,
      staleAtWorst,
      staleAfter: k.pt.tlb.staleWalks().length,
    }).toEqual(expected(config, policy));
  });

  it('the section needs fresh tables on every configuration, and more with four levels', () => {
    const counts = SUPPORTED_CONFIGS.map((c) => `${c}:${prepare(c).added.length}`).join(' ');
    expect(counts).toBe('4K/39:2 4K/48:5 16K/36:2 16K/47:5 16K/48:5 64K/42:1 64K/48:2 64K/52:2');
  });
});
