import { describe, expect, it } from 'vitest';
import { physHex } from '../../src/arch/address';
import { HotplugError, type ModelError, OutOfMemoryError } from '../../src/errors';
import { archAddMemory } from '../../src/hotplug/add';
import { GiB, smallKernel } from '../support/kernels';
import { refusal } from '../support/refusal';

const PA = 4 * GiB;

describe('what arch_add_memory reports', () => {
  it('a success: the range added and the trace position before it, every event by the hot-add', () => {
    const k = smallKernel('4K/48');
    const before = k.pt.trace.mark();
    const report = archAddMemory(k, PA, 2 * GiB);
    expect(report).toEqual({ start: PA, size: 2 * GiB, mark: before });
    const actors = new Set(k.pt.trace.since(report.mark).map((e) => e.actor));
    expect([...actors]).toEqual(['hot-add']);
    const added = k.mem.blocks.filter((b) => b.base >= PA);
    expect(added.map((b) => [physHex(b.base), b.size, b.kind])).toEqual([
      [physHex(PA), GiB, 'hotplug'],
      [physHex(PA + GiB), GiB, 'hotplug'],
    ]);
  });

  it('an actor named by the caller labels every event, the rollback of a failed add included', () => {
    const k = smallKernel('4K/48');
    const report = archAddMemory(k, PA, GiB, { failAtSection: 0, actor: 'acpi' });
    expect(report.rollback?.decisions.length).toBeGreaterThan(0);
    expect(new Set(k.pt.trace.since(report.mark).map((e) => e.actor))).toEqual(new Set(['acpi']));
  });

  it('an altmap may hand out exactly the pages the range’s struct pages take (the memmap_on_memory size)', () => {
    const k = smallKernel('16K/48');
    const size = 2 * k.geo.sectionSize;
    archAddMemory(k, PA, size, { altmap: true });
    const altmap = k.altmaps.get(k.sectionOf(PA));
    const structPages = (size / k.geo.pageSize) * k.geo.structPageSize;
    expect([altmap?.basePfn, altmap?.capacity]).toEqual([PA / k.geo.pageSize, structPages / k.geo.pageSize]);
  });

  it('an injected -ENOMEM names the section whose vmemmap failed', () => {
    const k = smallKernel('4K/48');
    const report = archAddMemory(k, PA, 3 * GiB, { failAtSection: 2 });
    expect(report.error).toBeInstanceOf(OutOfMemoryError);
    expect(report.error?.rule).toBe('populating the vmemmap of a hot-added section failed (injected -ENOMEM)');
    expect(report.error?.values).toEqual({ section: physHex(PA + 2 * GiB) });
  });
});

describe('arch_add_memory’s refusals name the values that broke the rule', () => {
  const refused = (run: () => unknown): [string, ModelError['values']] => {
    const e = refusal(run) as ModelError;
    expect(e).toBeInstanceOf(HotplugError);
    return [e.rule, e.values];
  };

  it('a start or a size that is not whole sections', () => {
    const k = smallKernel('4K/48');
    const rule = 'memory is hot-added and hot-removed in whole, aligned sections';
    expect(refused(() => archAddMemory(k, PA + 4096, GiB))).toEqual([
      rule,
      { start: physHex(PA + 4096), section: '1G' },
    ]);
    expect(refused(() => archAddMemory(k, PA, GiB / 2))).toEqual([rule, { size: '512M', section: '1G' }]);
  });

  it('memory beyond the linear map’s reach: the range and the reach', () => {
    const k = smallKernel('16K/36');
    const reach = k.layout.pageEnd - k.layout.pageOffset;
    const start = k.physOffset + reach - GiB;
    expect(refused(() => archAddMemory(k, start, 2 * GiB))).toEqual([
      'hot-added memory must lie inside the linear map’s reach (arch_get_mappable_range)',
      {
        start: physHex(start),
        end: physHex(start + 2 * GiB),
        first: physHex(k.physOffset),
        last: physHex(k.physOffset + reach),
      },
    ]);
  });

  it('memory overlapping present memory: the range and the present block', () => {
    const k = smallKernel('4K/48');
    archAddMemory(k, PA, GiB);
    expect(refused(() => archAddMemory(k, PA - GiB, 2 * GiB))).toEqual([
      'hot-added memory must not overlap present memory',
      { start: physHex(PA - GiB), size: 2 * GiB, present: physHex(PA) },
    ]);
  });
});
