import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Kva } from '../../src/arch/address';
import { HI_PROT_NONE, PAGE_KERNEL, VALID } from '../../src/arch/descriptor';
import { type Geometry, geometry, type Level, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { KernelWarning } from '../../src/errors';
import { archAddMemory } from '../../src/hotplug/add';
import { entryWarning, WARN_RULES } from '../../src/hotplug/check';
import { brokenInvariants } from '../../src/hotplug/invariants';
import { archRemoveMemory, removePgdMapping, sectionVmemmap } from '../../src/hotplug/remove';
import type { Kernel } from '../../src/mappings/kernel';
import { snapshot } from '../../src/mappings/snapshot';
import { PageState } from '../../src/memory/page';
import { runToEnd } from '../../src/tables/step';
import { walk } from '../../src/tables/walker';
import { GiB, smallKernel } from '../support/kernels';
import { property } from '../support/property';

const SECTION = 0x2_0000_0000;
/** PROT_NONE with the access flag: present to pte_present, invalid to the hardware. */
const PROT_NONE_ENTRY = { lo: 0x400, hi: HI_PROT_NONE };
/** The access flag alone: neither none nor present. */
const INVALID_ENTRY = { lo: 0x400, hi: 0 };

/** A page-mapped section (rodata_full on) at 8 GiB on a small kernel: every level in reach. */
function withPagedSection(config: string): Kernel {
  const k = smallKernel(config, { rodataFull: true, trace: false });
  archAddMemory(k, SECTION, GiB);
  return k;
}

/**
 * The rule v5.7 applies to a bad entry at a level, written out independently of the model: the PTE
 * level only asks "present?"; the top of a 4-level configuration (p4d_present) and of 64K's 3-level
 * ones (pud_table always true) are walked blind; every other level asks "block or table?".
 */
function expectedRule(geo: Geometry, level: Level): string {
  if (level.name === 'PTE') return WARN_RULES.notPresent;
  const blind = level.depth === 0 && (geo.levelCount === 4 || (geo.levelCount === 3 && geo.granule === 64));
  return blind ? WARN_RULES.blind : WARN_RULES.neither;
}

/** Writes a descriptor into the entry a walk of `kva` reads at `level`. */
function corrupt(k: Kernel, kva: Kva, level: Level, entry: { lo: number; hi: number }): void {
  const step = walk(k.pt, kva).steps.find((s) => s.level === level);
  if (!step) throw new Error(`the walk of ${kva} does not reach ${level.name}`);
  k.pt.writeEntry(step.table, level.depth, step.index, entry.lo, entry.hi, kva, 'test');
}

describe('the up-front WARN walk covers the first and the last entry of a range at every level', () => {
  const cases = SUPPORTED_CONFIGS.flatMap((config) => [
    [config, 'linear map'],
    [config, 'vmemmap'],
  ]);

  it.each(cases)(
    '%s, %s: a bad entry at either end of the range, at every level, refuses the removal',
    (config, part) => {
      const base = withPagedSection(config);
      const [start, end] =
        part === 'linear map'
          ? [base.linearVa(SECTION), base.linearVa(SECTION + GiB)]
          : sectionVmemmap(base, base.sectionOf(SECTION));
      const levels = walk(base.pt, start).steps.map((s) => s.level);
      for (const kva of [start, end - base.geo.pageSize]) {
        for (const level of levels) {
          const k = base.clone();
          corrupt(k, kva, level, level.name === 'PTE' ? INVALID_ENTRY : PROT_NONE_ENTRY);
          const before = snapshot(k);
          let error: unknown;
          try {
            archRemoveMemory(k, SECTION, GiB);
          } catch (e) {
            error = e;
          }
          expect(error, `${level.name} for ${kva}`).toBeInstanceOf(KernelWarning);
          expect((error as KernelWarning).rule, `${level.name} for ${kva}`).toBe(expectedRule(k.geo, level));
          expect((error as KernelWarning).values.level).toBe(level.name);
          expect(snapshot(k)).toBe(before);
        }
      }
    },
  );
});

describe('present is valid or PROT_NONE; none is all 64 bits zero', () => {
  it.each(SUPPORTED_CONFIGS.map((c) => [c]))(
    '%s: a PROT_NONE PTE of the linear map is cleared and its table freed with the rest',
    (config) => {
      const k = withPagedSection(config);
      const va = k.linearVa(SECTION) + k.geo.pageSize;
      const pte = walk(k.pt, va).steps.at(-1);
      if (!pte) throw new Error('no walk');
      k.pt.writeEntry(pte.table, pte.level.depth, pte.index, PAGE_KERNEL.lo & ~VALID, HI_PROT_NONE, va, 'test');
      const report = archRemoveMemory(k, SECTION, GiB);
      const linear = report.parts.at(-1)?.decisions.find((d) => d.pfn === pte.table);
      expect(linear).toMatchObject({ level: 'PTE', freed: true });
      expect(brokenInvariants(k)).toEqual([]);
    },
  );

  it.each(['16K/47', '64K/42'].map((c) => [c]))(
    '%s: a PROT_NONE vmemmap PTE is cleared and the page it maps is freed (free_mapped)',
    (config) => {
      const k = withPagedSection(config);
      const [start] = sectionVmemmap(k, k.sectionOf(SECTION));
      const pte = walk(k.pt, start).steps.at(-1);
      if (!pte) throw new Error('no PTE');
      const backing = walk(k.pt, start).pa as number;
      k.pt.writeEntry(pte.table, pte.level.depth, pte.index, pte.lo & ~VALID, pte.hi | HI_PROT_NONE, start, 'test');
      archRemoveMemory(k, SECTION, GiB);
      expect(k.mem.state(backing / k.geo.pageSize)).toBe(PageState.Poisoned);
      expect(brokenInvariants(k)).toEqual([]);
    },
  );

  property([fc.constantFrom(...SUPPORTED_CONFIGS).map(geometry), fc.integer({ min: 1, max: 2 ** 32 - 1 })])(
    'a PTE with only its high half set, PROT_NONE clear, is "neither none nor present" (DBM alone, for one)',
    (geo, hi) => {
      const pte = geo.levels.at(-1) as Level;
      expect(entryWarning(geo, pte, 0, (hi & ~HI_PROT_NONE) >>> 0 || 1)).toBe(WARN_RULES.notPresent);
    },
  );

  it('an entry with its low half zero and its high half set is not none: outside the range it keeps its table', () => {
    const k = withPagedSection('4K/48');
    const last = k.linearVa(SECTION + GiB) - k.geo.pageSize;
    const pte = walk(k.pt, last).steps.at(-1);
    if (!pte) throw new Error('no walk');
    k.pt.writeEntry(pte.table, pte.level.depth, pte.index, 0, 1 << 19, last, 'test');
    const start = k.linearVa(SECTION);
    const report = runToEnd(removePgdMapping(k, k.pt.pgd, start, last - start));
    expect(report.decisions.find((d) => d.pfn === pte.table)).toMatchObject({
      freed: false,
      reason: 'entries left',
      live: 1,
    });
  });
});

describe('the altmap’s accounting', () => {
  it.each(SUPPORTED_CONFIGS.map((c) => [c]))(
    '%s: the pages an altmap handed out all go back when the memory it backs is removed',
    (config) => {
      const k = smallKernel(config);
      archAddMemory(k, SECTION, GiB, { altmap: true });
      const altmap = k.altmaps.get(k.sectionOf(SECTION));
      if (!altmap) throw new Error('no altmap');
      expect(altmap.allocated).toBeGreaterThan(0);
      archRemoveMemory(k, SECTION, GiB);
      expect(altmap.allocated).toBe(0);
    },
  );
});
