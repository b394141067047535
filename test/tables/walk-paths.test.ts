import { describe, expect, it } from 'vitest';
import type { Kva } from '../../src/arch/address';
import { DescType, HI_CONT } from '../../src/arch/descriptor';
import { type Level, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { Kernel, type KernelOptions } from '../../src/mappings/kernel';
import { type Walk, walk } from '../../src/tables/walker';

// Every configuration: the walks features/translation/a-mapped-address-translates-level-by-level.feature
// shows on a few. The expected path is computed from the address alone: at each level the index is
// (address >> shift) mod entries, down to the level where the walk must stop.

const kernels = new Map<string, Kernel>();
/** A kernel with the feature's defaults (2 GiB of boot memory at 0x40000000, rodata_full on), booted once. */
function booted(config: string, options: Omit<KernelOptions, 'config'> = {}): Kernel {
  const key = `${config} ${JSON.stringify(options)}`;
  const k = kernels.get(key) ?? new Kernel({ config, trace: false, ...options });
  kernels.set(key, k);
  return k;
}

const path = (w: Walk): string => w.steps.map((s) => `${s.level.name}[${s.index}]`).join(' → ');

/** The walk of `kva` from the PGD down to `last`, from the address bits alone. */
function expectedPath(levels: readonly Level[], kva: Kva, last: Level): string {
  return levels
    .slice(0, levels.indexOf(last) + 1)
    .map((l) => `${l.name}[${Math.floor(kva / l.entrySize) % l.entries}]`)
    .join(' → ');
}

/** The level whose entries map a boot block: 1G with 4K pages, 32M with 16K, 512M with 64K. */
const blockLevel = (k: Kernel): Level =>
  k.geo.levels.find((l) => l.entrySize === { 4: 2 ** 30, 16: 2 ** 25, 64: 2 ** 29 }[k.geo.granule]) as Level;
const pteLevel = (k: Kernel): Level => k.geo.levels.at(-1) as Level;

describe('a byte of boot memory, physical 0xb6543210', () => {
  // rodata_full is on by default: the page-mapped kernels are the ones the image's walks below read.
  const cases = [
    { options: {}, leaf: pteLevel, type: DescType.Page, what: 'on: one table per level down to a PTE page' },
    {
      options: { rodataFull: false },
      leaf: blockLevel,
      type: DescType.Block,
      what: 'off: the walk stops at the largest block',
    },
  ];
  describe.each(cases)('rodata_full $what', ({ options, leaf, type }) => {
    it.each(SUPPORTED_CONFIGS)('%s', (config) => {
      const k = booted(config, options);
      const kva = k.linearVa(0xb654_3210);
      const w = walk(k.pt, kva);
      expect([path(w), w.pa, w.steps.at(-1)?.type]).toEqual([
        expectedPath(k.geo.levels, kva, leaf(k)),
        0xb654_3210,
        type,
      ]);
    });
  });
});

describe('an address with nothing mapped behind it faults at the first entry that is none', () => {
  it.each(SUPPORTED_CONFIGS)('%s: just past boot memory, at the level of its blocks', (config) => {
    const k = booted(config, { rodataFull: false });
    const kva = k.linearVa(0xc000_0000);
    const w = walk(k.pt, kva);
    expect([path(w), w.fault, w.stoppedAt.name]).toEqual([
      expectedPath(k.geo.levels, kva, blockLevel(k)),
      'none',
      blockLevel(k).name,
    ]);
  });

  it.each(SUPPORTED_CONFIGS)('%s: the guard page after the 32M image, at the PTE level', (config) => {
    const k = booted(config, { rodataFull: false });
    const kva = k.layout.vmallocStart + 0x8_0000 + 32 * 2 ** 20;
    const w = walk(k.pt, kva);
    expect([path(w), w.fault]).toEqual([expectedPath(k.geo.levels, kva, pteLevel(k)), 'none']);
  });
});

describe('the kernel image, TEXT_OFFSET (512K) above VMALLOC_START', () => {
  // v5.7 maps the image's first 2M with pages (CONT where a whole run fits) and blocks after it.
  it.each([
    ['4K/48', {}, 0x8_0000, 'PGD[256] → PUD[0] → PMD[128] → PTE[128]', 'Page', true],
    ['16K/47', {}, 0x8_0000, 'PGD[1024] → PMD[8] → PTE[32]', 'Page', false],
    ['4K/48', { kasan: true, rodataFull: false }, 0x20_0000, 'PGD[320] → PUD[0] → PMD[129]', 'Block', false],
    ['64K/48', { kasan: true }, 0x20_0000, 'PGD[40] → PMD[0] → PTE[4128]', 'Page', true],
  ] as const)('%s %o: VMALLOC_START + %i reads %s, a %s, CONT %s', (config, options, offset, walked, type, cont) => {
    const k = booted(config, options);
    const kva = k.layout.vmallocStart + offset;
    const w = walk(k.pt, kva);
    const leaf = w.steps.at(-1);
    expect([path(w), leaf?.type, w.pa, Boolean((leaf?.hi ?? 0) & HI_CONT)]).toEqual([
      walked,
      DescType[type],
      0x4000_0000 + offset,
      cont,
    ]);
  });
});
