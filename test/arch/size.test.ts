import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSize, parseSize } from '../../src/arch/size';
import { RangeRuleError } from '../../src/errors';
import { property } from '../support/property';

const UNITS = ['', 'K', 'M', 'G', 'T', 'P'];
/** A count and a unit whose product stays a safe integer (below 2^53 = 8192T = 8P). */
const sized = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 8191 })).map(([unit, n]) => {
  const count = unit === 5 ? n % 8 : n;
  return { unit, count, bytes: count * 1024 ** unit };
});

describe('parseSize: a whole number with an optional unit', () => {
  property([sized, fc.boolean(), fc.constantFrom('', 'B', 'iB', 'ib'), fc.constantFrom('', ' ', '  ')])(
    'reads any count with any unit, in either case, with spaces and an optional B or iB',
    ({ unit, count, bytes }, lower, suffix, space) => {
      const letter = lower ? (UNITS[unit] ?? '').toLowerCase() : (UNITS[unit] ?? '');
      expect(parseSize(` ${count}${space}${letter}${letter ? suffix : ''} `)).toBe(bytes);
    },
  );

  it('reads the largest safe byte count and refuses the next one, 8P, naming the text', () => {
    expect(parseSize(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => parseSize('8P')).toThrow(RangeRuleError);
    expect(() => parseSize('8P')).toThrow(/below 8P .*text=8P/);
    expect(parseSize('8191T')).toBe(8191 * 2 ** 40);
  });

  it.each(['', 'K', '1.5G', '-1K', 'x4K', '4Kx', '4 K B', '4KK', '0x10', '4E', 'G1'])(
    'refuses %j with a RangeRuleError naming the rule and the text',
    (text) => {
      expect(() => parseSize(text)).toThrow(RangeRuleError);
      expect(() => parseSize(text)).toThrow(/a size is a whole number with an optional unit K, M, G, T or P/);
      expect(() => parseSize(text)).toThrow(expect.objectContaining({ values: { text } }));
    },
  );
});

describe('formatSize: the largest unit that divides the size', () => {
  property([sized.filter(({ count }) => count % 1024 !== 0)])(
    'writes a count that 1024 does not divide with its unit',
    ({ unit, count, bytes }) => {
      expect(formatSize(bytes)).toBe(`${count}${UNITS[unit]}`);
      expect(parseSize(formatSize(bytes))).toBe(bytes);
    },
  );

  it('writes zero and sizes below 1K as plain bytes, and stops at P', () => {
    expect(formatSize(0)).toBe('0');
    expect(formatSize(1023)).toBe('1023');
    expect(formatSize(1024)).toBe('1K');
    expect(formatSize(2 ** 60)).toBe('1024P');
  });
});
