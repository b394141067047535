import { describe, expect, it } from 'vitest';
import { SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { archAddMemory } from '../../src/hotplug/add';
import { archRemoveMemory } from '../../src/hotplug/remove';
import { Kernel } from '../../src/mappings/kernel';
import { snapshot } from '../../src/mappings/snapshot';
import { translate } from '../../src/tables/walker';
import { smallKernel } from '../support/kernels';

describe('Kernel.clone', () => {
  it.each(SUPPORTED_CONFIGS)('%s: a clone starts equal and changes independently of its original', (config) => {
    const k = new Kernel({ config, bootSize: 2 ** 30, rodataFull: false });
    const before = snapshot(k);
    const copy = k.clone();
    expect(snapshot(copy)).toBe(before);
    archAddMemory(copy, 8 * 2 ** 30, 2 ** 30);
    expect(translate(copy.pt, copy.linearVa(8 * 2 ** 30))).toBe(8 * 2 ** 30);
    expect(translate(k.pt, k.linearVa(8 * 2 ** 30))).toBe(-1);
    expect(snapshot(k)).toBe(before);
    archRemoveMemory(copy, 8 * 2 ** 30, 2 ** 30);
    expect(snapshot(k)).toBe(before);
  });

  // A clone shares its original's table pages and page states until one side writes (copy on write):
  // writes on either side, recorded one by one or only counted, into tables and blocks both hold.
  // Page-mapped where a section is fewest PTEs (64K), block-mapped on 4K and 16K.
  const layouts: [string, boolean][] = [
    ['64K/42', true],
    ['16K/47', false],
    ['4K/48', false],
  ];
  describe.each([true, false])('with the trace recording: %s', (trace) => {
    it.each(layouts)('%s (page-mapped: %s): changing the original leaves every clone as it was', (config, paged) => {
      const k = smallKernel(config, { rodataFull: paged, vmallocAreas: [4 * 2 ** 16], trace });
      const [at, size] = [8 * 2 ** 30, k.geo.sectionSize];
      archAddMemory(k, at, size);
      const first = k.clone();
      const firstBefore = snapshot(first);
      // Into tables the clone shares: a vmalloc beside the boot areas, the teardown of shared PTE tables.
      k.vmalloc.vmalloc(8 * k.geo.pageSize, 'test');
      archRemoveMemory(k, at, size);
      const second = k.clone();
      const secondBefore = snapshot(second);
      archAddMemory(k, at, size);
      expect(snapshot(first)).toBe(firstBefore);
      expect(snapshot(second)).toBe(secondBefore);
      expect(translate(first.pt, first.linearVa(at))).toBe(at);
      expect(translate(second.pt, second.linearVa(at))).toBe(-1);
      // The clones, in turn, change apart from each other and from the original.
      const now = snapshot(k);
      archRemoveMemory(first, at, size);
      archAddMemory(second, at, size);
      expect(snapshot(k)).toBe(now);
      expect(snapshot(second)).toBe(now);
      expect(snapshot(first)).not.toBe(firstBefore);
    });
  });
});
