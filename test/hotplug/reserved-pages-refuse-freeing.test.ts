import { describe, expect, it } from 'vitest';
import { parseHex, toKva } from '../../src/arch/address';
import { KernelWarning } from '../../src/errors';
import { checkTeardown, WARN_RULES } from '../../src/hotplug/check';
import { PageState } from '../../src/memory/page';
import { MiB, smallKernel } from '../support/kernels';

/**
 * free_hotplug_page_range WARNs on a reserved page: the boot memory's linear map covers the kernel
 * image, so a teardown of it that frees the mapped pages is refused — at the first leaf whose page is
 * reserved, naming level, address and page — and one that leaves the pages alone is not.
 */
describe.each(['4K/39', '4K/48', '16K/47'])('%s: the up-front walk and reserved pages', (config) => {
  it.each([
    ['block-mapped', false],
    ['page-mapped', true],
  ])('%s linear map of boot memory: refused only when the pages are to be freed', (_, rodataFull) => {
    const k = smallKernel(config, { rodataFull });
    // From 64K in: the first entry of the range is not the first of its table.
    const start = k.layout.pageOffset + 64 * 1024;
    const end = k.layout.pageOffset + 128 * MiB;
    expect(() => checkTeardown(k, start, end, false)).not.toThrow();
    let error: KernelWarning | undefined;
    try {
      checkTeardown(k, start, end, true);
    } catch (e) {
      error = e as KernelWarning;
    }
    expect(error).toBeInstanceOf(KernelWarning);
    expect(error?.rule).toBe(WARN_RULES.reserved);
    const va = toKva(k.geo, parseHex(String(error?.values.va)));
    const pa = Number(parseHex(String(error?.values.page)));
    const boot = k.mem.blocks[0];
    if (!boot) throw new Error('no boot memory');
    expect(pa - boot.base).toBe(va - k.layout.pageOffset);
    expect(k.mem.state(pa / k.geo.pageSize)).toBe(PageState.Reserved);
    if (rodataFull) {
      expect(error?.values.level).toBe('PTE');
      const firstReserved = Array.from({ length: boot.pages }, (_x, i) => boot.firstPfn + i).find(
        (pfn) => k.mem.state(pfn) === PageState.Reserved,
      );
      expect(pa).toBe((firstReserved ?? Number.NaN) * k.geo.pageSize);
    } else {
      expect(error?.values.level).not.toBe('PTE');
    }
  });
});
