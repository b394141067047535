import { describe, expect, it } from 'vitest';
import { SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { archAddMemory } from '../../src/hotplug/add';
import { archRemoveMemory } from '../../src/hotplug/remove';
import { Kernel } from '../../src/mappings/kernel';
import { snapshot } from '../../src/mappings/snapshot';
import { translate } from '../../src/tables/walker';

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
});
