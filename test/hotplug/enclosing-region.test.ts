import { describe, expect, it } from 'vitest';
import { kvaHex } from '../../src/arch/address';
import { SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { archAddMemory } from '../../src/hotplug/add';
import { archRemoveMemory, type RemovalReport } from '../../src/hotplug/remove';
import { strandedTables } from '../../src/hotplug/worst-case';
import { Kernel, type KernelOptions } from '../../src/mappings/kernel';
import { tablesFingerprint } from '../../src/mappings/snapshot';
import { GiB, MiB } from '../support/kernels';

// Every configuration, every placement features/hot-remove/enclosing-region-restores-the-tables.feature
// shows on a few: with floor and ceiling = the enclosing region, hot-add then hot-remove restores the
// tables, keeping only those whose span reaches below VMEMMAP_START (and existed before), and leaving
// behind only those a section at the top of the reach first needed, whose span passes VMEMMAP_END.

const booted = new Map<string, Kernel>();
function kernel(config: string, options: Omit<KernelOptions, 'config'>): Kernel {
  const key = `${config} ${JSON.stringify(options)}`;
  const k = booted.get(key) ?? new Kernel({ config, trace: false, ...options });
  booted.set(key, k);
  return k.clone();
}

const PAGED = { bootSize: 256 * MiB };
const BLOCKS = { rodataFull: false };

/** Adds and removes `size` at `pa`; returns the report and whether the tables are as before. */
function addAndRemove(k: Kernel, pa: number, size = GiB): { report: RemovalReport; restored: boolean } {
  const before = tablesFingerprint(k);
  archAddMemory(k, pa, size);
  const report = archRemoveMemory(k, pa, size);
  return { report, restored: tablesFingerprint(k) === before };
}

/** The tables kept as outside floor and ceiling, as the feature writes them. */
function keptOutside(k: Kernel, report: RemovalReport): string {
  const kept = report.parts.flatMap((r) =>
    r.decisions
      .filter((d) => d.reason === 'outside floor/ceiling')
      .map(
        (d) => `${r.caller === 'vmemmap_free' ? 'vmemmap' : 'linear'} ${d.level} ${kvaHex(k.geo, d.va)} ${d.verdict}`,
      ),
  );
  return kept.join(', ') || 'none';
}

// VMEMMAP_START's own table where it is kept: the shared PUD table of 16K/48, the PMD table of 64K/48 and 64K/52.
const BELOW_FLOOR: Record<string, string> = {
  '16K/48': 'vmemmap PUD 0xffff800000000000 below-floor',
  '64K/48': 'vmemmap PMD 0xfffffc0000000000 below-floor',
  '64K/52': 'vmemmap PMD 0xfffffc0000000000 below-floor',
};

describe('hot-add then hot-remove with floor and ceiling = the enclosing region', () => {
  it.each(SUPPORTED_CONFIGS)(
    '%s: a page-mapped section next to boot memory, and a block-mapped one in the middle of the reach, restore the tables',
    (config) => {
      for (const [options, place] of [
        [PAGED, () => 0x2_0000_0000],
        [BLOCKS, (k: Kernel) => k.physOffset + (k.layout.pageEnd - k.layout.pageOffset) / 2],
      ] as const) {
        const k = kernel(config, options);
        const { report, restored } = addAndRemove(k, place(k));
        expect(restored).toBe(true);
        expect(keptOutside(k, report)).toBe(BELOW_FLOOR[config] ?? 'none');
        for (const d of report.parts.flatMap((r) => r.decisions).filter((d) => d.reason === 'outside floor/ceiling')) {
          expect(d.va < k.layout.vmemmapStart && k.layout.vmemmapStart < d.va + d.span).toBe(true);
        }
      }
    },
  );

  it.each(SUPPORTED_CONFIGS)(
    '%s: two and three sections: one vmemmap_free per section, then the linear map once',
    (config) => {
      for (const [options, sections] of [
        [BLOCKS, 2],
        [PAGED, 3],
      ] as const) {
        const k = kernel(config, options);
        const { report, restored } = addAndRemove(k, 0x2_0000_0000, sections * GiB);
        expect(restored).toBe(true);
        expect(report.parts.map((r) => r.caller)).toEqual([
          ...Array(sections).fill('vmemmap_free'),
          '__remove_pgd_mapping',
        ]);
      }
    },
  );

  it.each(SUPPORTED_CONFIGS)(
    '%s: the last section in reach leaves behind exactly the fresh vmemmap tables that pass VMEMMAP_END',
    (config) => {
      const k = kernel(config, BLOCKS);
      const last = k.physOffset + (k.layout.pageEnd - k.layout.pageOffset) - GiB;
      const { report, restored } = addAndRemove(k, last);
      const beyond = report.parts
        .flatMap((r) => r.decisions)
        .filter((d) => d.verdict === 'beyond-ceiling')
        .map((d) => d.pfn);
      const left = strandedTables(k, report.parts);
      expect(left.map((d) => d.pfn)).toEqual(beyond);
      expect(left.every((d) => d.va + d.span > k.layout.vmemmapEnd)).toBe(true);
      const levels = { '4K/39': 'PMD', '4K/48': 'PMD PUD', '16K/47': 'PTE PMD', '16K/48': 'PTE PMD', '64K/52': '' }; // pass 2 decides bottom-up
      expect(left.map((d) => d.level).join(' ')).toBe(levels[config as keyof typeof levels] ?? 'PTE');
      // 64K/52: the linear map reaches 51 bits of memory, whose struct pages stay far below VMEMMAP_END.
      expect(restored).toBe(config === '64K/52');
      expect(left.length > 0).toBe(config !== '64K/52');
    },
  );
});
