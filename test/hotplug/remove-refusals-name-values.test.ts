import { describe, expect, it } from 'vitest';
import { physHex } from '../../src/arch/address';
import { HotplugError, KernelWarning, type ModelError } from '../../src/errors';
import { archAddMemory } from '../../src/hotplug/add';
import { WARN_RULES } from '../../src/hotplug/check';
import {
  archRemoveMemory,
  removePgdMapping,
  SUBSECTION_SIZE,
  sectionVmemmap,
  subsectionVmemmap,
} from '../../src/hotplug/remove';
import { snapshot } from '../../src/mappings/snapshot';
import { PageState } from '../../src/memory/page';
import { runToEnd } from '../../src/tables/step';
import { walk } from '../../src/tables/walker';
import { GiB, MiB, smallKernel } from '../support/kernels';
import { refusal } from '../support/refusal';

const PA = 4 * GiB;

/** The refusal's class, rule and values, and whether the kernel's state stayed as it was. */
function refused(
  k: ReturnType<typeof smallKernel>,
  run: () => unknown,
): [string, string, ModelError['values'], boolean] {
  const before = snapshot(k);
  const e = refusal(run) as ModelError;
  return [e.constructor.name, e.rule, e.values, snapshot(k) === before];
}

describe('arch_remove_memory names what it refuses', () => {
  it('a range that is not whole sections, a section not present, boot memory', () => {
    const k = smallKernel('4K/48');
    archAddMemory(k, PA, GiB);
    expect(refused(k, () => archRemoveMemory(k, PA, GiB / 2))).toEqual([
      'HotplugError',
      'memory is removed in whole sections',
      { start: physHex(PA), size: GiB / 2, section: GiB },
      true,
    ]);
    expect(refused(k, () => archRemoveMemory(k, PA, 2 * GiB))).toEqual([
      'HotplugError',
      'only present memory can be removed',
      { section: physHex(PA + GiB) },
      true,
    ]);
    const bootSection = Math.floor(k.physOffset / GiB) * GiB;
    expect(refused(k, () => archRemoveMemory(k, bootSection, GiB))).toEqual([
      'HotplugError',
      'boot memory can never be removed',
      { section: physHex(bootSection) },
      true,
    ]);
  });

  it('part of a range whose vmemmap lives in one altmap: the section asked for and the altmap’s owner', () => {
    const k = smallKernel('4K/48');
    archAddMemory(k, PA, 2 * GiB, { altmap: true });
    expect(refused(k, () => archRemoveMemory(k, PA + GiB, GiB))).toEqual([
      'HotplugError',
      'memory whose vmemmap lives in an altmap is removed together with it',
      { section: physHex(PA + GiB), altmap: physHex(PA) },
      true,
    ]);
  });

  it('ranges with their own altmaps next to it, below and right at its end, do not stop a removal', () => {
    const k = smallKernel('4K/48');
    for (const pa of [PA, PA + GiB, PA + 2 * GiB]) archAddMemory(k, pa, GiB, { altmap: true });
    archRemoveMemory(k, PA + GiB, GiB);
    expect([...k.altmaps.keys()]).toEqual([k.sectionOf(PA), k.sectionOf(PA + 2 * GiB)]);
    expect(k.mem.blocks.some((b) => b.base === PA + GiB)).toBe(false);
  });

  it('a reserved page behind a section’s vmemmap is refused before anything changes', () => {
    const k = smallKernel('16K/48');
    archAddMemory(k, PA, GiB);
    const [vs] = sectionVmemmap(k, k.sectionOf(PA));
    const backing = (walk(k.pt, vs).pa ?? Number.NaN) / k.geo.pageSize;
    k.mem.setPages(backing, 1, PageState.Reserved, k.mem.owner(backing) ?? 0);
    const [kind, rule, , unchanged] = refused(k, () => archRemoveMemory(k, PA, GiB));
    expect([kind, rule, unchanged]).toEqual(['KernelWarning', WARN_RULES.reserved, true]);
  });

  it('every event of a removal is by the hot-remove unless the caller names an actor', () => {
    const k = smallKernel('4K/48');
    archAddMemory(k, PA, GiB);
    const report = archRemoveMemory(k, PA, GiB);
    expect(new Set(k.pt.trace.since(report.mark).map((e) => e.actor))).toEqual(new Set(['hot-remove']));
  });
});

describe('__remove_pgd_mapping tears down only init_mm’s tables', () => {
  it('another pgdir is a KernelWarning naming its physical address', () => {
    const k = smallKernel('4K/48');
    const other = k.pt.pgd + 1;
    expect(refused(k, () => runToEnd(removePgdMapping(k, other, k.linearVa(PA), GiB)))).toEqual([
      KernelWarning.name,
      '__remove_pgd_mapping only tears down init_mm’s tables',
      { pgdir: physHex(other * k.geo.pageSize) },
      true,
    ]);
  });
});

describe('subsectionVmemmap: the struct pages of one 2M sub-section, as section_deactivate frees them', () => {
  it('is the sub-section’s own slice of its section’s vmemmap', () => {
    const k = smallKernel('4K/48');
    archAddMemory(k, PA, GiB);
    const [vs] = sectionVmemmap(k, k.sectionOf(PA));
    const perSub = (SUBSECTION_SIZE / k.geo.pageSize) * k.geo.structPageSize;
    expect(subsectionVmemmap(k, PA + 3 * SUBSECTION_SIZE)).toEqual([vs + 3 * perSub, vs + 4 * perSub]);
    expect(perSub).toBe(32 * 1024);
  });

  it('refuses an unaligned one, or one outside a hot-added section, saying what is there', () => {
    const k = smallKernel('4K/48');
    archAddMemory(k, PA, GiB);
    const rule = 'a sub-section is 2M-aligned and lies in a hot-added section';
    const cases = [
      [PA + MiB, 'hot-added'],
      [k.physOffset, 'boot'],
      [PA + 2 * GiB, 'no'],
    ] as const;
    for (const [pa, present] of cases) {
      expect(refused(k, () => subsectionVmemmap(k, pa))).toEqual([
        HotplugError.name,
        rule,
        { subsection: physHex(pa), present },
        true,
      ]);
    }
  });
});
