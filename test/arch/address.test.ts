import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, it } from 'vitest';
import { fromKva, hex64, kvaHex, parseHex, toKva, ttbr1Base } from '../../src/arch/address';
import { geometry, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { AddressError } from '../../src/errors';
import { property } from '../support/property';

const RUNS = { numRuns: 1000 };
const U64 = 1n << 64n;
const geo = fc.constantFrom(...SUPPORTED_CONFIGS).map((name) => geometry(name));
/** A configuration and a 64-bit address in its TTBR1 half. */
const kernelVa = geo.chain((g) =>
  fc.tuple(fc.constant(g), fc.bigInt({ min: U64 - (1n << BigInt(g.vaBits)), max: U64 - 1n })),
);

describe('kernel VAs as offsets into the TTBR1 half', () => {
  property([kernelVa], RUNS)('toKva then fromKva gives the address back', ([g, va]) => {
    const kva = toKva(g, va);
    assert.ok(Number.isSafeInteger(kva));
    assert.ok(kva >= 0, `expected ${kva} >= 0`);
    assert.ok(kva < 2 ** g.vaBits, `expected ${kva} < ${2 ** g.vaBits}`);
    assert.equal(fromKva(g, kva), va);
  });

  property([geo.chain((g) => fc.tuple(fc.constant(g), fc.integer({ min: 0, max: 2 ** g.vaBits - 1 })))], RUNS)(
    'fromKva then toKva gives the offset back',
    ([g, kva]) => {
      assert.equal(toKva(g, fromKva(g, kva)), kva);
    },
  );

  property([geo], RUNS)('the offset 2^VA_BITS is the wrapped end of the address space', (g) => {
    assert.equal(fromKva(g, 2 ** g.vaBits), 0n);
    assert.equal(ttbr1Base(g), U64 - (1n << BigInt(g.vaBits)));
  });

  property([geo.chain((g) => fc.tuple(fc.constant(g), fc.bigInt({ min: 0n, max: ttbr1Base(g) - 1n })))], RUNS)(
    'an address below the TTBR1 half is refused with an AddressError',
    ([g, va]) => {
      assert.throws(() => toKva(g, va), AddressError);
    },
  );

  property([geo, fc.bigInt({ min: U64, max: U64 * 2n })], RUNS)('a value of 2^64 or more is refused', (g, va) => {
    assert.throws(() => toKva(g, va), AddressError);
  });

  it('names the address, the configuration and the lowest kernel address in the error', () => {
    const g = geometry('4K/48');
    assert.throws(() => toKva(g, 0x0000ffffffffffffn), /0x0000ffffffffffff.*4K\/48.*0xffff000000000000/);
  });

  // Documentation/arm64/memory.rst (v5.4–v5.10): the 4K/48 linear map starts at ffff000000000000.
  it('puts PAGE_OFFSET of 4K/48 at offset 0 and VMEMMAP_START at 2^48 − 2 TiB − 2 MiB', () => {
    const g = geometry('4K/48');
    assert.equal(toKva(g, 0xffff000000000000n), 0);
    assert.equal(kvaHex(g, 2 ** 48 - 2 ** 41 - 2 ** 21), '0xfffffdffffe00000');
  });
});

describe('64-bit hex text', () => {
  property([fc.bigInt({ min: 0n, max: U64 - 1n })], RUNS)('hex64 then parseHex gives the value back', (v) => {
    const text = hex64(v);
    assert.match(text, /^0x[0-9a-f]{16}$/);
    assert.equal(parseHex(text), v);
  });

  property([fc.bigInt({ min: 0n, max: U64 - 1n }), fc.boolean(), fc.nat({ max: 15 })], RUNS)(
    'parseHex accepts upper case, short forms and underscores',
    (v, upper, cut) => {
      const digits = v.toString(16);
      const grouped = digits.length > cut + 1 ? `${digits.slice(0, cut + 1)}_${digits.slice(cut + 1)}` : digits;
      const text = `0x${upper ? grouped.toUpperCase() : grouped}`;
      assert.equal(parseHex(text), v);
      assert.equal(hex64(parseHex(text)), hex64(v));
    },
  );

  property([fc.bigInt({ min: 1n, max: U64 })], RUNS)(
    'hex64 prints negative values as their 64-bit two’s complement',
    (x) => {
      assert.equal(hex64(-x), hex64(U64 - x));
    },
  );

  property([fc.string().filter((s) => !/^\s*0x[0-9a-f_]+\s*$/i.test(s))], RUNS)(
    'anything that is not 0x and hex digits is refused with an AddressError',
    (text) => {
      assert.throws(() => parseHex(text), AddressError);
    },
  );

  it('refuses more than 16 hex digits', () => {
    assert.throws(() => parseHex('0x1_0000_0000_0000_0000'), AddressError);
  });
});
