import { describe, expect, it } from 'vitest';
import { formatSize } from '../../src/arch/size';
import { RangeRuleError } from '../../src/errors';
import { archAddMemory } from '../../src/hotplug/add';
import { NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS } from '../../src/mappings/create-mapping';
import { checkKernelOptions, Kernel, machineOptions } from '../../src/mappings/kernel';
import { reachableTables } from '../../src/tables/tree';
import { walk } from '../../src/tables/walker';
import { GiB, MiB, smallKernel } from '../support/kernels';
import { refusal } from '../support/refusal';

describe('boot options the model refuses before building anything', () => {
  // v5.7: _text lies TEXT_OFFSET (512K) above the first 2M boundary, then the image's 32M.
  it.each(['4K/48', '64K/42'])('%s: boot memory must hold the kernel image, 32.5M above 1G', (config) => {
    const least = 32 * MiB + 512 * 1024;
    expect(() => checkKernelOptions({ config, bootSize: least })).not.toThrow();
    const short = least - 64 * 1024;
    for (const check of [
      () => checkKernelOptions({ config, bootSize: short }),
      () => new Kernel({ config, bootSize: short }),
    ]) {
      const error = refusal(check);
      expect(error).toBeInstanceOf(RangeRuleError);
      expect(error.message).toContain(
        `boot memory holds the kernel image (bootSize=${formatSize(short)}, least=32M+512K`.replace(
          '32M+512K',
          formatSize(least),
        ),
      );
    }
  });

  // 16K/36's linear map reaches 32G (PAGE_END − PAGE_OFFSET = 2^35) from PHYS_OFFSET.
  it('16K/36: boot memory up to the linear map’s reach, and not a page more (arm64_memblock_init)', () => {
    const reach = 32 * GiB;
    expect(() =>
      checkKernelOptions({ config: '16K/36', bootSize: reach - GiB, bootBase: 2 * GiB, physOffset: GiB }),
    ).not.toThrow();
    const error = refusal(() =>
      checkKernelOptions({ config: '16K/36', bootSize: reach - GiB + 16 * 1024, bootBase: 2 * GiB, physOffset: GiB }),
    );
    expect(error.message).toContain(
      `boot memory lies inside the linear map’s reach (arm64_memblock_init) (bootSize=${formatSize(reach - GiB + 16 * 1024)}, largest=31G, config=16K/36)`,
    );
  });

  // From v5.11 PAGE_END is KASAN_SHADOW_START with KASAN: 16K/36's linear map then reaches 24G, not 32G.
  it('v6.1 16K/36 with KASAN: the reach ends at the shadow', () => {
    const options = { config: '16K/36', era: 'v6.1', trace: false } as const;
    expect(() => checkKernelOptions({ ...options, kasan: true, bootSize: 24 * GiB })).not.toThrow();
    expect(() => checkKernelOptions({ ...options, bootSize: 24 * GiB + 16 * 1024 })).not.toThrow();
    expect(
      refusal(() => checkKernelOptions({ ...options, kasan: true, bootSize: 24 * GiB + 16 * 1024 })).message,
    ).toContain('largest=24G, config=16K/36');
  });

  it('4K/48: 128G is more than the model holds with the trace on, not with it off', () => {
    expect(() => checkKernelOptions({ config: '4K/48', bootSize: 128 * GiB, trace: false })).not.toThrow();
    for (const check of [
      () => checkKernelOptions({ config: '4K/48', bootSize: 128 * GiB }),
      () => new Kernel({ config: '4K/48', bootSize: 128 * GiB, rodataFull: false }),
    ]) {
      expect(refusal(check).message).toContain('trace=on');
    }
  });
});

describe('what boot builds from its options', () => {
  it('a machine named by its configuration alone is that configuration in v5.7; one given whole is kept', () => {
    expect(machineOptions('16K/47')).toEqual({ config: '16K/47' });
    const machine = { config: '4K/48', era: 'v6.12', lpa2: false };
    expect(machineOptions(machine)).toBe(machine);
  });

  it.each([
    [true, false, NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS],
    [false, true, NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS],
    [false, false, 0],
  ])(
    'rodata_full %s, debug_pagealloc %s: the linear map’s flags are %i (map_mem)',
    (rodataFull, debugPagealloc, flags) => {
      const k = smallKernel('4K/39', { rodataFull, debugPagealloc });
      expect(k.linearFlags).toBe(flags);
      expect(walk(k.pt, k.linearVa(k.image.phys + 2 * MiB)).stoppedAt.name).toBe(flags ? 'PTE' : 'PMD');
    },
  );

  it('kasan: the layout has its shadow region; debug_pagealloc is off unless asked', () => {
    expect(smallKernel('4K/48', { kasan: true }).layout.regions.map((r) => r.key)).toContain('kasan');
    expect(smallKernel('4K/39').linearFlags).toBe(0);
  });

  it('4K/48 by default: boot memory is one boot block of present sections, the allocator never past its end', () => {
    const k = new Kernel({ config: '4K/48', rodataFull: false, trace: false });
    expect(k.mem.blocks.map((b) => [b.kind, b.base, b.size])).toEqual([['boot', GiB, 2 * GiB]]);
    expect([...k.sections.values()]).toEqual([
      { nr: 1, boot: true },
      { nr: 2, boot: true },
    ]);
    expect(k.alloc.available(0)).toBeLessThan((2 * GiB) / k.geo.pageSize);
    // Three small areas vmalloc'ed at boot, in the TEXT_OFFSET below _text, then the image (32M).
    const page = k.geo.pageSize;
    expect(k.vmalloc.areas.map((a) => [a.size, a.caller, a.pages.length])).toEqual([
      [4 * page, 'boot', 4],
      [16 * page, 'boot', 16],
      [page, 'boot', 1],
      [32 * MiB, 'kernel image', 0],
    ]);
  });

  it('bare: memory and the allocator, nothing mapped', () => {
    const k = new Kernel({ config: '4K/48', bare: true });
    expect(reachableTables(k.pt).map((t) => t.pfn)).toEqual([k.pt.pgd]);
    expect([k.vmalloc.areas, k.sections.size]).toEqual([[], 0]);
  });

  it('4K/48: a clone keeps one altmap per hot-add, its own', () => {
    const k = smallKernel('4K/48');
    archAddMemory(k, 8 * GiB, 2 * GiB, { altmap: true });
    const copy = k.clone();
    const [a, b] = [8, 9].map((gib) => copy.altmaps.get(copy.sectionOf(gib * GiB)));
    expect(a).toBeDefined();
    expect(a).toBe(b);
    expect(a).not.toBe(k.altmaps.get(k.sectionOf(8 * GiB)));
    expect(a?.allocated).toBe(k.altmaps.get(k.sectionOf(8 * GiB))?.allocated);
  });
});
