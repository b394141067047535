import { describe, expect, it } from 'vitest';
import { geometry } from '../../src/arch/geometry';
import { hotRemove, removalJson } from '../../src/cli/commands/remove';
import { main } from '../../src/cli/program';
import { policyNamed } from '../../src/hotplug/policy';
import { run as runCli } from '../support/cli';

/** The `remove` subcommand, in-process. */
const run = (...argv: string[]) => runCli('remove', '--boot-size', '128M', ...argv);

/** The lines of one caller's block: from its heading to the blank line after it. */
function block(out: string, heading: string): string[] {
  const lines = out.split('\n');
  const at = lines.findIndex((l) => l.startsWith(heading));
  return lines.slice(at, lines.indexOf('', at));
}

const squash = (line: string | undefined): string => (line ?? '').trim().split(/\s+/).join(' ');

describe('remove', () => {
  it('4K/48, policy v5.7: per caller, floor and ceiling in hex with their names, every table freed or kept and why', async () => {
    const { code, out, err } = await run('--config', '4K/48', '--start', '0x200000000', '--size', '1G');
    expect([code, err]).toEqual([0, '']);
    expect(out.split('\n')[0]).toBe(
      'arch_remove_memory(0x000200000000, 1G) on 4K/48, policy v5.7: floor/ceiling = the enclosing region, plus the all-none scan (merged)',
    );
    const vmemmap = block(out, 'vmemmap_free');
    expect(vmemmap.slice(0, 3).map(squash)).toEqual([
      'vmemmap_free [0xfffffe0006e00000, 0xfffffe0007e00000)',
      'floor 0xfffffdffffe00000 VMEMMAP_START',
      'ceiling 0xffffffffffe00000 VMEMMAP_END',
    ]);
    expect(squash(vmemmap[3])).toBe('level table page maps span result reason');
    // Boot memory's vmemmap (16 MiB from VMEMMAP_START, 2 MiB below PGD entry 508) keeps 7 PMD blocks here.
    expect(vmemmap.slice(4).map((l) => squash(l).split(' ').slice(2).join(' '))).toEqual([
      '0xfffffe0000000000 1G kept entries left (7 live)',
      '0xfffffe0000000000 512G kept entries left (1 live)',
    ]);
    const linear = block(out, '__remove_pgd_mapping');
    expect(linear.slice(0, 3).map(squash)).toEqual([
      '__remove_pgd_mapping [0xffff0001c0000000, 0xffff000200000000)',
      'floor 0xffff000000000000 PAGE_OFFSET',
      'ceiling 0xffff800000000000 PAGE_END',
    ]);
    const rows = linear.slice(4).map((l) => squash(l).split(' '));
    expect(rows.filter((r) => r[0] === 'PTE' && r[4] === 'freed').length).toBe(512);
    expect(rows.slice(-2).map((r) => [r[0], ...r.slice(3)].join(' '))).toEqual([
      'PMD 1G freed',
      'PUD 512G kept entries left (1 live)',
    ]);
    expect(out.trimEnd().split('\n').slice(-4)).toEqual([
      'tables freed: 513 (PMD 1, PTE 512)',
      'tables kept: 3 (PUD 2, PMD 1)',
      'left behind, mapping nothing: 0 (none)',
      'invariants: all hold',
    ]);
  });

  it('policy range: floor and ceiling are the edges of each range; the tables reaching past them are kept', async () => {
    const { out } = await run('--config', '64K/48', '--policy', 'range', '--size', '1G');
    for (const heading of ['vmemmap_free', '__remove_pgd_mapping']) {
      const lines = block(out, heading);
      const [start, end] = /\[(0x[0-9a-f]+), (0x[0-9a-f]+)\)/.exec(lines[0] ?? '')?.slice(1) ?? [];
      expect(lines.slice(1, 3).map(squash)).toEqual([
        `floor ${start} start of the range`,
        `ceiling ${end} end of the range`,
      ]);
      expect(lines.slice(4).some((l) => l.includes('outside floor/ceiling (below floor)'))).toBe(true);
    }
  });

  it('groups the report per caller: vmemmap_free of each section, then __remove_pgd_mapping', async () => {
    const { out } = await run('--config', '64K/52', '--start', '0x400000000', '--size', '2G', '--policy', 'never');
    const headings = out.split('\n').filter((l) => /^(vmemmap_free|__remove_pgd_mapping) \[/.test(l));
    expect(headings.map((h) => h.split(' ')[0])).toEqual(['vmemmap_free', 'vmemmap_free', '__remove_pgd_mapping']);
    expect(out).toMatch(/kept {4}policy leaves tables/);
    expect(out).toMatch(/\ntables freed: 0 \(none\)\n/);
  });

  it('names a missing bound: no floor, and ceiling 0 as the top of the address space', async () => {
    const { out } = await run('--config', '64K/42', '--policy', 'empty-only');
    expect(block(out, 'vmemmap_free').slice(1, 3).map(squash)).toEqual([
      'floor 0x0000000000000000 no floor',
      'ceiling 0x0000000000000000 the top of the address space',
    ]);
  });

  it('--trace adds one line per event of the removal, in order: clear, TLBI, then for a table the walk-cache TLBI before the free', async () => {
    const { code, out } = await run('--config', '64K/42', '--trace');
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    const at = lines.findIndex((l) => /^trace \(\d+ events\):$/.test(l));
    const count = Number(/\d+/.exec(lines[at] ?? '')?.[0]);
    const events = lines.slice(at + 1);
    expect(events.length).toBe(count);
    expect(events.every((l) => l.startsWith('hot-remove '))).toBe(true);
    expect(events.slice(0, 3).map((l) => l.replace(/0x[0-9a-f]+/g, 'X').replace(/\d+/g, 'N'))).toEqual([
      'hot-remove clears PTE[N] in table X (maps X)',
      'hot-remove invalidates the TLB entry for X',
      'hot-remove frees mapped pages at X (mapped at X)',
    ]);
    const free = events.findIndex((l) => l.includes('frees the PTE table page'));
    expect(events[free - 1]).toMatch(/^hot-remove invalidates cached walks for 0x/);
    expect(events[free - 2]).toMatch(/^hot-remove clears PGD\[\d+\] in table/);
  });

  it('--altmap --trace: the vmemmap backing goes back to the altmap, and a trace of 130,000 events prints whole', async () => {
    const { code, out } = await run('--config', '16K/47', '--altmap', '--trace');
    expect(code).toBe(0);
    expect(out.split('\n')[1]).toBe('hot-added first, page-mapped (rodata_full), vmemmap backed by an altmap');
    const lines = out.trimEnd().split('\n');
    const at = lines.findIndex((l) => /^trace \(\d+ events\):$/.test(l));
    expect(lines.length - at - 1).toBe(Number(/\d+/.exec(lines[at] ?? '')?.[0]));
    expect(lines.length - at - 1).toBeGreaterThan(130_000);
    expect(lines.filter((l) => l.includes(' frees vmemmap backing (altmap) at ')).length).toBe(256);
  });

  it('--json prints a stable shape', async () => {
    const { code, out } = await run('--config', '64K/48', '--json');
    expect(code).toBe(0);
    const doc = JSON.parse(out);
    expect(Object.keys(doc)).toEqual([
      'config',
      'policy',
      'start',
      'size',
      'pageMapped',
      'altmap',
      'parts',
      'leftBehind',
      'broken',
      'trace',
    ]);
    expect(doc).toMatchObject({
      config: '64K/48',
      policy: 'v5.7',
      start: '0x000200000000',
      size: 2 ** 30,
      trace: null,
    });
    expect(doc.parts.map((p: { caller: string }) => p.caller)).toEqual(['vmemmap_free', '__remove_pgd_mapping']);
    expect(Object.keys(doc.parts[0])).toEqual(['caller', 'start', 'end', 'floor', 'ceiling', 'tables']);
    expect(doc.parts[1].tables[0]).toEqual({
      level: 'PTE',
      table: expect.stringMatching(/^0x[0-9a-f]{12}$/),
      va: '0xffff0001c0000000',
      span: 2 ** 29,
      freed: true,
      reason: 'freed',
      verdict: null,
      live: null,
    });
    const request = {
      geo: geometry('64K/48'),
      policy: policyNamed('v5.7'),
      start: 0x2_0000_0000,
      size: 2 ** 30,
      bootSize: 128 * 2 ** 20,
      altmap: false,
      trace: false,
    };
    expect(doc).toEqual(JSON.parse(JSON.stringify(removalJson(hotRemove(request)))));
  });

  it('--json --trace lists the events with their text', async () => {
    const doc = JSON.parse((await run('--config', '64K/42', '--json', '--trace')).out);
    expect(doc.trace[0]).toEqual({
      op: 'clear',
      actor: 'hot-remove',
      text: expect.stringMatching(/^hot-remove clears PTE\[/),
    });
  });

  it.each([
    [
      'a start that is not section-aligned',
      ['--start', '0x200001000'],
      /^HotplugError: --start: memory is hot-added and hot-removed in whole/,
    ],
    [
      'a size of part of a section',
      ['--size', '3M'],
      /^HotplugError: --size: memory is hot-added and hot-removed in whole, aligned sections \(size=3M, section=1G\)$/,
    ],
    [
      'boot memory',
      ['--start', '0x40000000'],
      /^HotplugError: --start: hot-added memory must not overlap present memory/,
    ],
    [
      'a range beyond the linear map',
      ['--start', '0x800040000000'],
      /^HotplugError: --start: .*arch_get_mappable_range/,
    ],
    [
      'a start beyond the physical address bits',
      ['--start', '0xffffffffffffffff'],
      /^AddressError: --start: .*paBits=48/,
    ],
    ['a start that is not hex', ['--start', '8G'], /^AddressError: --start: an address is written as 0x/],
    ['a size with an unknown unit', ['--size', '1X'], /^RangeRuleError: --size: a size is a whole number/],
    [
      'an unknown policy',
      ['--policy', 'v9'],
      /^ConfigError: --policy: the table-freeing policy must be one the model knows/,
    ],
    [
      'a name every JavaScript object has',
      ['--policy', 'constructor'],
      /^ConfigError: --policy: the table-freeing policy must be one the model knows/,
    ],
    ['an unknown configuration', ['--config', '8K/48'], /^ConfigError: --config: the configuration must be one/],
  ])('refuses %s with exit code 2 and the typed error', async (_why, argv, message) => {
    const { code, out, err } = await run('--config', '64K/48', ...argv);
    expect([code, out]).toEqual([2, '']);
    expect(err).toMatch(/^[^\n]*\n$/);
    expect(err.trimEnd()).toMatch(message);
  });

  it('is listed in the global help', async () => {
    const out: string[] = [];
    await main(['--help'], { out: (t) => out.push(t), err: () => undefined });
    expect(out.join('')).toMatch(/\n {2}remove +hot-add then hot-remove a range/);
  });
});
