import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHex, physHex, toKva, toPhys } from '../../src/arch/address';
import { ERA_NAMES } from '../../src/arch/era';
import { geometry, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { layout } from '../../src/arch/layout';
import { AddressError, ConfigError, type ModelError } from '../../src/errors';
import { property } from '../support/property';

const config = fc.constantFrom(...SUPPORTED_CONFIGS);

/** The error a call throws, for its rule and values. */
function thrown(call: () => unknown): ModelError {
  try {
    call();
  } catch (e) {
    return e as ModelError;
  }
  throw new Error('expected a refusal');
}

describe('every refusal of src/arch names its rule and the values that broke it', () => {
  it('toKva: an address below the TTBR1 half', () => {
    const e = thrown(() => toKva(geometry('4K/39'), 0n));
    expect(e).toBeInstanceOf(AddressError);
    expect(e.rule).toBe('a kernel address must lie in the TTBR1 half (top bits all ones)');
  });

  it('parseHex: text that is not 0x and 1 to 16 hex digits', () => {
    for (const text of ['x0x10', '10', '0x', '00x10', '0x10g', '0x10 0x20']) {
      const e = thrown(() => parseHex(text));
      expect(e).toBeInstanceOf(AddressError);
      expect(e.rule).toBe('an address is written as 0x and 1 to 16 hex digits');
      expect(e.values).toEqual({ text });
    }
  });

  it('geometry: a configuration v5.7 does not build, listing the ones it does', () => {
    const e = thrown(() => geometry('8K/48'));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.rule).toBe('the configuration must be one that arm64 v5.7 builds');
    expect(e.values).toEqual({ config: '8K/48' });
    expect(e.detail).toBe(`supported: ${SUPPORTED_CONFIGS.join(', ')}`);
  });

  it('layout: an era the model does not know, listing the known ones', () => {
    const e = thrown(() => layout(geometry('4K/48'), { era: 'v6.9' }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.rule).toBe('the layout era must be one the model knows');
    expect(e.values).toEqual({ era: 'v6.9' });
    expect(e.detail).toBe(`known: ${ERA_NAMES.join(', ')}`);
  });
});

describe('parseHex reads the whole text, spaces around it aside', () => {
  property([fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.constantFrom(' ', '\t', '  \n')])(
    'surrounding white space is ignored',
    (v, space) => {
      expect(parseHex(`${space}0x${v.toString(16)}${space}`)).toBe(v);
    },
  );
});

describe('physical addresses (toPhys, physHex)', () => {
  property([config, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })])(
    'any address below 2^PA_BITS is kept as a number, printed with at least 12 hex digits',
    (name, fraction) => {
      const geo = geometry(name);
      const pa = BigInt(Math.floor(fraction * 2 ** geo.paBits));
      expect(toPhys(geo, pa)).toBe(Number(pa));
      expect(physHex(Number(pa))).toBe(`0x${pa.toString(16).padStart(12, '0')}`);
    },
  );

  it('prints zero as 0x000000000000', () => {
    expect(physHex(0)).toBe('0x000000000000');
    expect(physHex(0x40000000)).toBe('0x000040000000');
  });

  it.each(SUPPORTED_CONFIGS)('%s: refuses 2^PA_BITS and a negative address, naming them and PA_BITS', (name) => {
    const geo = geometry(name);
    const top = 1n << BigInt(geo.paBits);
    expect(toPhys(geo, top - 1n)).toBe(Number(top - 1n));
    for (const pa of [top, -1n]) {
      const e = thrown(() => toPhys(geo, pa));
      expect(e).toBeInstanceOf(AddressError);
      expect(e.rule).toBe('a physical address must fit the configuration’s physical address bits');
      expect(e.values).toEqual({ address: `0x${pa.toString(16)}`, paBits: geo.paBits });
    }
  });
});
