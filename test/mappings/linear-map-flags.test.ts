import { describe, expect, it } from 'vitest';
import { PAGE_KERNEL } from '../../src/arch/descriptor';
import { SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { createPgdMapping, NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS } from '../../src/mappings/create-mapping';
import { Kernel } from '../../src/mappings/kernel';
import { leafMismatches } from '../support/leaves';

// Every configuration: what features/linear-map/no-block-and-no-cont-force-page-mappings.feature shows
// on a few. The leaves are checked against the kernel's rules (test/support/leaves.ts).

/** 512 MiB of boot memory: too little for a 1G block, room for 512M, 32M and 2M blocks and CONT runs. */
const BOOT = { base: 0x4000_0000, size: 2 ** 29 };

describe('rodata_full decides the flags of the boot linear map', () => {
  it.each(SUPPORTED_CONFIGS.flatMap((config) => [true, false].map((rodataFull) => [config, rodataFull] as const)))(
    '%s, rodata_full %s: 512M of boot memory mapped as the flags say, NO_BLOCK | NO_CONT when on',
    (config, rodataFull) => {
      const k = new Kernel({ config, bootBase: BOOT.base, bootSize: BOOT.size, rodataFull, trace: false });
      expect(k.linearFlags).toBe(rodataFull ? NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS : 0);
      const req = { virt: k.linearVa(BOOT.base), size: BOOT.size, phys: BOOT.base, flags: k.linearFlags };
      expect(leafMismatches(k.pt, req)).toEqual([]);
    },
  );
});

describe('one PMD-sized block at a PMD-aligned address above boot memory', () => {
  it.each(SUPPORTED_CONFIGS.flatMap((config) => [0, NO_BLOCK_MAPPINGS].map((flags) => [config, flags] as const)))(
    '%s, flags %i: leaves as the rules say; a PMD table only with 4K, a PTE table only with NO_BLOCK_MAPPINGS',
    (config, flags) => {
      const k = new Kernel({ config, rodataFull: false });
      const size = k.geo.levels.at(-2)?.entrySize ?? 0;
      const phys = 0x1_0000_0000 + size;
      const mark = k.pt.trace.mark();
      createPgdMapping(k.pt, { phys, virt: k.linearVa(phys), size, prot: PAGE_KERNEL, flags, actor: 'test' });
      expect(leafMismatches(k.pt, { virt: k.linearVa(phys), size, phys, flags })).toEqual([]);
      const allocated = k.pt.trace
        .since(mark)
        .filter((e) => e.op === 'allocate')
        .map((e) => e.level);
      // 4K maps boot memory with 1G blocks, so no PMD table covers 4G yet; 16K and 64K have one (or fold it).
      expect(allocated).toEqual([...(k.geo.granule === 4 ? ['PMD'] : []), ...(flags ? ['PTE'] : [])]);
    },
  );

  it.each(SUPPORTED_CONFIGS)(
    '%s: NO_CONT_MAPPINGS clears the contiguous bit on a whole CONT run of blocks and of pages',
    (config) => {
      const k = new Kernel({ config, rodataFull: false, trace: false });
      const pmd = k.geo.levels.at(-2);
      const pte = k.geo.levels.at(-1);
      if (!pmd || !pte) throw new Error('no levels');
      const runs = [
        [pmd.contEntries * pmd.entrySize, NO_CONT_MAPPINGS],
        [pte.contEntries * pte.entrySize, NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS],
      ];
      let phys = 2 ** 32;
      for (const [size = 0, flags = 0] of runs) {
        phys = Math.ceil(phys / size) * size;
        createPgdMapping(k.pt, { phys, virt: k.linearVa(phys), size, prot: PAGE_KERNEL, flags, actor: 'test' });
        expect(leafMismatches(k.pt, { virt: k.linearVa(phys), size, phys, flags })).toEqual([]);
        phys += size;
      }
    },
  );
});

// The requests features/linear-map/the-largest-leaf-that-alignment-allows.feature shows a few of, each
// checked leaf by leaf against the kernel's rules, with the tables each had to allocate.
describe('the largest leaf that alignment allows, without flags', () => {
  const M = 2 ** 20;
  it.each(SUPPORTED_CONFIGS)('%s: 1G at physical 4G is one block, or a run of the largest blocks', (config) => {
    const k = new Kernel({ config, rodataFull: false, trace: false });
    const req = { virt: k.linearVa(2 ** 32), size: 2 ** 30, phys: 2 ** 32, flags: 0 };
    createPgdMapping(k.pt, { ...req, prot: PAGE_KERNEL, actor: 'test' });
    expect(leafMismatches(k.pt, req)).toEqual([]);
  });

  it.each([
    ['4K/48', 2 * M, 0x1_0020_0000, 'PMD'],
    ['4K/48', 1024 * M, 0x1_0020_0000, 'PMD PMD'],
    ['4K/48', 64 * 1024, 0x1_0001_0000, 'PMD PTE'],
    ['4K/48', 2112 * 1024, 0x1_0020_0000, 'PMD PTE'],
    ['4K/39', 2112 * 1024, 0x1_0020_0000, 'PMD PTE'],
    ['16K/47', 34 * M, 0x1_0200_0000, 'PTE'],
    ['16K/36', 34 * M, 0x1_0200_0000, 'PTE'],
    ['64K/48', 2 * M, 0x1_0020_0000, 'PTE'],
    ['64K/52', 2 * M, 0x1_0020_0000, 'PTE'],
    ['4K/48', 32 * M, 0x1_0200_0000, 'PMD'],
    ['4K/48', 64 * 1024, 0x1_0001_0000, 'PMD PTE'],
    ['16K/47', 2 * M, 0x1_0020_0000, 'PTE'],
    ['64K/48', 2 * M, 0x1_0020_0000, 'PTE'],
    ['4K/48', 30 * M, 0x1_0200_0000, 'PMD'],
    ['4K/48', 60 * 1024, 0x1_0001_0000, 'PMD PTE'],
    ['64K/48', 16 * 2 ** 30, 0x4_4000_0000, ''],
    ['16K/36', 2 ** 30, 0x1_0000_0000, ''],
    ['64K/42', 16 * 2 ** 30, 0x4_0000_0000, ''],
    ['16K/47', 2 ** 30, 0x1_0000_0000, ''],
  ] as const)('%s: %i bytes at physical %i, allocating tables "%s"', (config, size, phys, tables) => {
    const k = new Kernel({ config, rodataFull: false });
    const req = { virt: k.linearVa(phys), size, phys, flags: 0 };
    const mark = k.pt.trace.mark();
    createPgdMapping(k.pt, { ...req, prot: PAGE_KERNEL, actor: 'test' });
    expect(leafMismatches(k.pt, req)).toEqual([]);
    const allocated = k.pt.trace.since(mark).filter((e) => e.op === 'allocate' && e.note === 'table page');
    expect(allocated.map((e) => e.level).join(' ')).toBe(tables);
  });
});
