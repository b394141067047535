import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  AF,
  AP_RDONLY,
  AP_USER,
  changeIsSafe,
  DescType,
  descAddr,
  descType,
  HI_CONT,
  HI_DBM,
  HI_PROT_NONE,
  HI_PXN,
  HI_UXN,
  isNone,
  isPresent,
  isSect,
  isTable,
  leafDesc,
  NG,
  oaHi,
  oaLo,
  PAGE_KERNEL,
  PROT_SECT_NORMAL,
  SH_INNER,
  TABLE_BIT,
  tableDesc,
  VALID,
} from '../../src/arch/descriptor';
import { type Geometry, geometry, type Level, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { property } from '../support/property';
import { RUNS } from '../support/ranges';

/** A configuration and a page-aligned physical address it can hold (52 bits on 64K/52). */
const paArb = fc.constantFrom(...SUPPORTED_CONFIGS).chain((config) => {
  const geo = geometry(config);
  return fc.tuple(
    fc.constant(geo),
    fc.nat({ max: 2 ** (geo.paBits - geo.pageShift) - 1 }).map((n) => n * geo.pageSize),
  );
});

describe('output addresses survive encoding in every granule', () => {
  property([paArb], { numRuns: RUNS })('oaLo/oaHi then descAddr gives the address back', ([geo, pa]) => {
    assert.equal(descAddr(oaLo(pa, geo.pageShift), oaHi(pa), geo.pageShift), pa);
  });

  property([paArb], { numRuns: RUNS })('a table descriptor points at its page at every table level', ([geo, pa]) => {
    const d = tableDesc(pa, geo.pageShift);
    for (const level of geo.levels.slice(0, -1)) assert.equal(descType(level, d.lo), DescType.Table);
    assert.equal(descAddr(d.lo, d.hi, geo.pageShift), pa);
  });

  property([paArb, fc.boolean()], { numRuns: RUNS })(
    'a leaf keeps its address, type, attributes and CONT bit at every level that may hold one',
    ([geo, pa], cont) => {
      for (const level of leafLevels(geo)) {
        const aligned = pa - (pa % level.entrySize);
        const prot = level.name === 'PTE' ? PAGE_KERNEL : PROT_SECT_NORMAL;
        const d = leafDesc(level, aligned, prot, geo.pageShift, cont);
        assert.equal(descAddr(d.lo, d.hi, geo.pageShift), aligned);
        assert.equal(descType(level, d.lo), level.name === 'PTE' ? DescType.Page : DescType.Block);
        assert.equal((d.hi & HI_CONT) !== 0, cont);
        assert.equal(d.lo & 0xfff & ~TABLE_BIT, prot.lo & 0xfff & ~TABLE_BIT);
        assert.equal(d.hi & ~0xffff & ~HI_CONT, prot.hi & ~0xffff);
      }
    },
  );

  it('keeps PA bits 51..48 in descriptor bits 15..12 on 64K/52', () => {
    const geo = geometry('64K/52');
    const pa = 0xa_1234_5678_0000;
    const lo = oaLo(pa, geo.pageShift);
    assert.equal((lo >>> 12) & 0xf, 0xa);
    assert.equal(oaHi(pa), 0x1234);
    assert.equal(descAddr(lo, oaHi(pa), geo.pageShift), pa);
    assert.notEqual(descAddr(lo, oaHi(pa), 12), pa);
  });
});

function leafLevels(geo: Geometry): Level[] {
  return geo.levels.filter((l) => l.name === 'PTE' || l.blockAllowed);
}

/** The architecture's reading of bits[1:0] at a level, written out as a table. */
function expectedType(level: Level, bits: number): DescType {
  if ((bits & 1) === 0) return DescType.Invalid;
  if (level.name === 'PTE') return bits === 3 ? DescType.Page : DescType.Reserved;
  if (bits === 3) return DescType.Table;
  return level.hw === 2 || (level.hw === 1 && level.entrySize === 2 ** 30) ? DescType.Block : DescType.Reserved;
}

describe('descType reads bits[1:0] as the level allows', () => {
  it.each(SUPPORTED_CONFIGS)('%s: every level, every bits[1:0], with and without other bits set', (config) => {
    for (const level of geometry(config).levels) {
      for (const bits of [0, 1, 2, 3]) {
        for (const rest of [0, 0xfffffffc])
          assert.equal(descType(level, (rest | bits) >>> 0), expectedType(level, bits));
      }
    }
  });
});

/** Bits a random descriptor pair may differ in (an address bit among them; never CONT, see below). */
const LO_BITS = [VALID, TABLE_BIT, AP_USER, AP_RDONLY, SH_INNER, AF, NG, 1 << 4, 1 << 20];
const HI_BITS = [HI_PXN, HI_UXN, HI_DBM, 1 << 3];

const flipsArb = (bits: readonly number[]) =>
  fc.subarray([...bits]).map((chosen) => chosen.reduce((acc, b) => acc | b, 0) >>> 0);

/** pgattr_change_is_safe of v5.7 (arch/arm64/mm/mmu.c), restated as the test's oracle. */
function pgattrChangeIsSafe(oldLo: number, oldHi: number, newLo: number, newHi: number): boolean {
  if ((oldLo | oldHi) === 0 || (newLo | newHi) === 0) return true;
  if (((oldHi | newHi) & HI_CONT) !== 0) return false;
  if ((oldLo & ~newLo & NG) !== 0) return false;
  return ((oldLo ^ newLo) & ~(AP_RDONLY | NG)) === 0 && ((oldHi ^ newHi) & ~(HI_PXN | HI_DBM)) === 0;
}

const pairArb = fc.tuple(
  flipsArb(LO_BITS),
  flipsArb(HI_BITS),
  flipsArb(LO_BITS),
  flipsArb(HI_BITS),
  fc.nat({ max: 3 }),
);

describe('changeIsSafe (pgattr_change_is_safe)', () => {
  property([pairArb], { numRuns: RUNS })(
    'matches the kernel rule for live entries without CONT and without a nG → G change',
    ([oldLo, oldHi, newLo, newHi, none]) => {
      const old = none === 1 ? [0, 0] : [(PAGE_KERNEL.lo ^ oldLo) >>> 0, (PAGE_KERNEL.hi ^ oldHi) >>> 0];
      const keepNg = (old[0] ?? 0) & NG;
      const next = none === 2 ? [0, 0] : [((PAGE_KERNEL.lo ^ newLo) | keepNg) >>> 0, (PAGE_KERNEL.hi ^ newHi) >>> 0];
      const [a, b, c, d] = [...old, ...next] as [number, number, number, number];
      assert.equal(changeIsSafe(a, b, c, d), pgattrChangeIsSafe(a, b, c, d));
    },
  );

  // v5.7's two further rules: no live change of a CONT entry at all, and no nG → G change.
  it('refuses a live CONT entry, even unchanged', () => {
    const hi = PAGE_KERNEL.hi | HI_CONT;
    assert.equal(changeIsSafe(PAGE_KERNEL.lo, hi, PAGE_KERNEL.lo, hi), false);
  });

  it('refuses a live nG → G change', () => {
    assert.equal(changeIsSafe(PAGE_KERNEL.lo | NG, PAGE_KERNEL.hi, PAGE_KERNEL.lo, PAGE_KERNEL.hi), false);
  });
});

describe('the p*d_* predicates of pgtable.h over both halves of a descriptor', () => {
  const word = fc.nat({ max: 2 ** 32 - 1 });

  property([word, word])('none is all 64 bits zero: a high half alone is not none', (lo, hi) => {
    assert.equal(isNone(lo, hi), lo === 0 && hi === 0);
  });

  property([word, word])('present is the valid bit or PROT_NONE (bit 58), whatever else is set', (lo, hi) => {
    const bit0 = lo % 2 === 1;
    const bit58 = Math.floor(hi / 2 ** 26) % 2 === 1;
    assert.equal(isPresent(lo, hi), bit0 || bit58);
  });

  property([word])('a block is bits[1:0] = 01, a table 11; 00 and 10 are neither', (lo) => {
    const bits = lo % 4;
    assert.deepEqual([isSect(lo), isTable(lo)], [bits === 1, bits === 3]);
  });

  it('PROT_NONE alone makes an entry present but neither a block nor a table', () => {
    assert.deepEqual(
      [isNone(0, HI_PROT_NONE), isPresent(0, HI_PROT_NONE), isSect(0), isTable(0)],
      [false, true, false, false],
    );
  });
});
