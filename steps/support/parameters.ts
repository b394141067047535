import { defineParameterType } from '@cucumber/cucumber';
import { parseHex } from '../../src/arch/address';
import { geometry } from '../../src/arch/geometry';
import { parseSize } from '../../src/arch/size';

/** `4K/48`, `16K/47`, … — resolved to the configuration's geometry (unsupported names fail the step). */
defineParameterType({
  name: 'config',
  regexp: /\d+K\/\d+/,
  transformer: (text: string) => geometry(text),
});

/**
 * A configuration in an era, on a CPU with or without 52-bit VA: `4K/52 of Linux v6.12 without LPA2`,
 * resolved to its geometry (a configuration the era does not build fails the step).
 */
defineParameterType({
  name: 'machine',
  regexp: /(\d+K\/\d+) of Linux (v\d+\.\d+)(?:\s(with|without) LPA2)?/,
  transformer: (config: string, era: string, cpu?: string) => geometry(config, { era, lpa2: cpu !== 'without' }),
});

/** A 64-bit hex address such as `0xffff000040000000`, as a bigint. */
defineParameterType({
  name: 'hex',
  regexp: /0x[0-9a-fA-F_]+/,
  transformer: (text: string) => parseHex(text),
});

/** A size such as `4K`, `2M`, `1G`, `64G`, in bytes. */
defineParameterType({
  name: 'size',
  regexp: /\d+[KMGTP]?/,
  transformer: (text: string) => parseSize(text),
});

/** A kernel page-table level name. */
defineParameterType({
  name: 'level',
  regexp: /PGD|P4D|PUD|PMD|PTE/,
  transformer: (text: string) => text,
});

/** Table pages counted per level, as `PMD 1, PTE 256`, or `none` (tablesPerLevel writes them so). */
defineParameterType({
  name: 'levelCounts',
  regexp: /none|(?:PGD|P4D|PUD|PMD|PTE) \d+(?:, (?:PGD|P4D|PUD|PMD|PTE) \d+)*/,
  transformer: (text: string) => text,
});
