import { describe, expect, it } from 'vitest';
import { MODEL_BUDGET, PAGE_COST } from '../../src/arch/size';
import { run as runCli } from '../support/cli';
import { GiB, MiB } from '../support/kernels';

/** The `add` subcommand, in-process. */
const run = (...argv: string[]) => runCli('add', '--boot-size', '128M', ...argv);

/** Whole GiB of pages still within the budget, untraced, beside `present` bytes of memory. */
const roomGiB = (pageSize: number, present: number): number =>
  Math.floor(((Math.floor(MODEL_BUDGET / PAGE_COST.untraced) - present / pageSize) * pageSize) / GiB);

describe('add', () => {
  it('4K/48: the ranges mapped, the tables allocated above the PTE level and per level, the new mappings as ptdump', async () => {
    const { code, out, err } = await run();
    expect([code, err]).toEqual([0, '']);
    expect(out.split('\n').slice(0, 6)).toEqual([
      'arch_add_memory(0x000200000000, 1G) on 4K/48: page-mapped (rodata_full: NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS), vmemmap backed by the page allocator',
      'linear map  [0xffff0001c0000000, 0xffff000200000000)',
      'vmemmap     [0xfffffe0006e00000, 0xfffffe0007e00000)  section 8',
      'tables allocated: 513 (PMD 1, PTE 512)',
      '  PMD table 0x000043815000 maps 0xffff0001c0000000',
      'invariants: all hold',
    ]);
    expect(out).toContain(
      '---[ vmemmap start ]---\n0xfffffe0006e00000-0xfffffe0007e00000          16M PMD       RW NX SHD AF        BLK UXN MEM/NORMAL\n',
    );
  });

  it('two sections on 16K/47 with an altmap: one vmemmap range per section', async () => {
    const { code, out } = await run('--config', '16K/47', '--start', '0x100000000', '--size', '2G', '--altmap');
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toMatch(
      /^arch_add_memory\(0x000100000000, 2G\) on 16K\/47: .*vmemmap backed by an altmap$/,
    );
    expect(out.match(/^vmemmap {5}\[/gm)).toHaveLength(2);
  });

  it('--json prints a stable shape', async () => {
    const { code, out } = await run('--json');
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(Object.keys(json)).toEqual([
      'config',
      'start',
      'size',
      'pageMapped',
      'altmap',
      'linear',
      'sections',
      'tablesAllocated',
      'ptdump',
      'broken',
    ]);
    expect(json.sections).toEqual([{ nr: 8, vmemmap: { start: '0xfffffe0006e00000', end: '0xfffffe0007e00000' } }]);
    expect(json.tablesAllocated).toHaveLength(513);
    expect(json.tablesAllocated[0]).toEqual({ level: 'PMD', table: '0x000043815000', va: '0xffff0001c0000000' });
    expect(json.ptdump.map((r: { level: string; size: string }) => `${r.size} ${r.level}`)).toEqual([
      '1G PTE',
      '16M PMD',
    ]);
  });

  it.each([
    [
      'an unaligned start',
      ['--start', '0x41000000'],
      /^HotplugError: --start: memory is hot-added and hot-removed in whole, aligned sections \(start=0x000041000000, section=1G\)$/,
    ],
    [
      'boot memory',
      ['--start', '0x40000000'],
      /^HotplugError: --start: hot-added memory must not overlap present memory/,
    ],
    [
      'an address beyond the PA bits',
      ['--start', '0x1000000000000'],
      /^AddressError: --start: a physical address must fit/,
    ],
    ['a bad size', ['--size', 'lots'], /^RangeRuleError: --size: a size is a whole number .*\(text=lots\)$/],
    [
      'a size of 400 digits',
      ['--size', '9'.repeat(400)],
      /^RangeRuleError: --size: a size is below 8P .*\(text=9{40}… \(400 characters\)\)$/,
    ],
    [
      'more memory than the model holds',
      ['--size', '2T'],
      new RegExp(
        `^RangeRuleError: --size: the model holds the memory whose pages and tables fit in its 3G budget, .*largest=${roomGiB(4096, 128 * MiB)}G, config=4K/48, trace=off\\)$`,
      ),
    ],
    [
      'boot memory without room for the image',
      ['--config', '16K/47', '--boot-size', '1M'],
      /^RangeRuleError: --boot-size: boot memory holds the kernel image \(bootSize=1M, least=33280K\)$/,
    ],
    [
      'boot memory beyond the linear map',
      ['--config', '16K/36', '--boot-size', '48G'],
      /^RangeRuleError: --boot-size: boot memory lies inside the linear map’s reach .*largest=32G/,
    ],
    [
      'boot memory the model cannot hold',
      ['--config', '64K/52', '--boot-size', '256T'],
      new RegExp(
        `^RangeRuleError: --boot-size: the model holds the memory whose pages and tables fit in its 3G budget, .*largest=${roomGiB(65536, 0)}G, config=64K/52, trace=off\\)$`,
      ),
    ],
    [
      'boot memory too small for the boot',
      ['--boot-size', '40M'],
      /^OutOfMemoryError: --boot-size: boot memory holds the kernel image and the tables and struct pages the boot allocates/,
    ],
    [
      'boot memory too small for the hot-add',
      ['--boot-size', '64M'],
      /^OutOfMemoryError: --boot-size: boot memory holds the tables and struct pages the hot-add allocates; arch_add_memory ran out and rolled back \(boot-size=64M, size=1G\)$/,
    ],
  ])('refuses %s with exit code 2 and the typed error', async (_why, argv, message) => {
    const { code, out, err } = await run(...argv);
    expect([code, out]).toEqual([2, '']);
    expect(err).toMatch(/^[^\n]*\n$/);
    expect(err.trimEnd()).toMatch(message);
  });
});
