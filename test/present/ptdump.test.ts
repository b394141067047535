import { describe, expect, it } from 'vitest';
import { AF, MemType, SH_INNER, TABLE_BIT } from '../../src/arch/descriptor';
import { geometry } from '../../src/arch/geometry';
import { RangeRuleError } from '../../src/errors';
import { Kernel } from '../../src/mappings/kernel';
import {
  attrWords,
  dumpLevelNames,
  dumpProt,
  type PtdumpLine,
  type PtdumpRun,
  ptdump,
  ptdumpJson,
  ptdumpLines,
  ptdumpRuns,
  reportLevels,
  sizeColumn,
} from '../../src/present/ptdump';
import { walk } from '../../src/tables/walker';

// Known values of the format and of single states; test/present/ptdump-boots.test.ts covers every
// configuration's boot state and the agreement with the walker.

const MiB = 2 ** 20;
const GiB = 2 ** 30;

function markerNames(lines: readonly PtdumpLine[]): string[] {
  return lines.flatMap((l) => (l.kind === 'marker' ? [l.name] : []));
}

const containing = (runs: readonly PtdumpRun[], x: number): PtdumpRun[] =>
  runs.filter((r) => r.start <= x && x < r.end);

describe('line format of arm64 kernel_page_tables (v5.7 dump.c)', () => {
  it('prints the size in K, promoted while it divides by 1024, right-aligned in 9 digits', () => {
    expect(sizeColumn(4096)).toBe('        4K');
    expect(sizeColumn(2 * GiB)).toBe('        2G');
    expect(sizeColumn(1952 * 1024)).toBe('     1952K');
    expect(sizeColumn(130560 * GiB)).toBe('   130560G');
    expect(sizeColumn(2 ** 50)).toBe('        1P');
  });

  it('prints every pte_bits column: a word when set, its filler when clear, one memory type', () => {
    const normal = MemType.Normal << 2;
    expect(dumpProt(0x1 | TABLE_BIT | AF | SH_INNER | normal, (1 << 21) | (1 << 22))).toBe(
      '       RW NX SHD AF            UXN MEM/NORMAL',
    );
    expect(dumpProt(0x1 | AF | SH_INNER | (MemType.DeviceNGnRE << 2) | (1 << 7) | (1 << 6) | (1 << 11), 1 << 20)).toBe(
      '   USR ro x  SHD AF NG CON BLK     DEVICE/nGnRE',
    );
    expect(dumpProt(AF, 0)).toBe(' F     RW x      AF        BLK     DEVICE/nGnRnE');
  });
});

describe('the boot dump of 4K/48', () => {
  const k = new Kernel({ config: '4K/48', trace: false });
  const text = ptdump(k);
  const lines = text.trimEnd().split('\n');

  it('opens with the page-mapped linear map of boot memory: one PTE run, no CON, no BLK', () => {
    expect(lines.slice(0, 4)).toEqual([
      '---[ Linear Mapping start ]---',
      '0xffff000000000000-0xffff000080000000           2G PTE       RW NX SHD AF            UXN MEM/NORMAL',
      '0xffff000080000000-0xffff008000000000         510G PUD',
      '0xffff008000000000-0xffff800000000000      130560G PGD',
    ]);
  });

  it('prints the v5.7 markers in order; the last, vmemmap end, lies beyond the last report and never prints', () => {
    expect(markerNames(ptdumpLines(k))).toEqual([
      'Linear Mapping start',
      'Linear Mapping end',
      'Modules start',
      'Modules end',
      'vmalloc() area',
      'vmalloc() end',
      'Fixmap start',
      'Fixmap end',
      'PCI I/O start',
      'PCI I/O end',
      'vmemmap start',
    ]);
    expect(lines.at(-1)).toBe('0xfffffe8000000000-0x0000000000000000        1536G PGD');
    expect(lines.every((l) => l.startsWith('0x') || /^---\[ [^\]]+ \]---$/.test(l))).toBe(true);
  });

  it('adds the KASAN shadow markers right after the linear map', () => {
    const kasan = new Kernel({ config: '4K/48', kasan: true, bootSize: 128 * MiB, vmallocAreas: [] });
    expect(markerNames(ptdumpLines(kasan)).slice(0, 5)).toEqual([
      'Linear Mapping start',
      'Linear Mapping end',
      'Kasan shadow start',
      'Kasan shadow end',
      'Modules start',
    ]);
  });

  it('shows the kernel image TEXT_OFFSET above VMALLOC_START: pages to each 2 MiB boundary, PMD blocks between; vmemmap as 2 MiB PMD blocks', () => {
    expect(text).toContain(
      '0xffff800010080000-0xffff800010200000        1536K PTE       ro x  SHD AF    CON     UXN MEM/NORMAL\n' +
        '0xffff800010200000-0xffff800011000000          14M PMD       ro x  SHD AF        BLK UXN MEM/NORMAL\n' +
        '0xffff800011000000-0xffff800011080000         512K PTE       ro x  SHD AF    CON     UXN MEM/NORMAL\n' +
        '0xffff800011080000-0xffff800011200000        1536K PTE       RW NX SHD AF    CON     UXN MEM/NORMAL\n' +
        '0xffff800011200000-0xffff800012000000          14M PMD       RW NX SHD AF        BLK UXN MEM/NORMAL\n' +
        '0xffff800012000000-0xffff800012080000         512K PTE       RW NX SHD AF    CON     UXN MEM/NORMAL\n',
    );
    expect(text).toContain(
      '---[ vmemmap start ]---\n' +
        '0xfffffdffffe00000-0xfffffe0001e00000          32M PMD       RW NX SHD AF        BLK UXN MEM/NORMAL\n',
    );
  });

  it('block-maps the linear map without rodata_full: one PUD block line', () => {
    const blocks = new Kernel({ config: '4K/48', rodataFull: false, vmallocAreas: [] });
    expect(ptdump(blocks).split('\n')[1]).toBe(
      '0xffff000000000000-0xffff000080000000           2G PUD       RW NX SHD AF        BLK UXN MEM/NORMAL',
    );
  });
});

describe('folded levels', () => {
  it.each([
    ['4K/48', [0, 2, 3, 4]],
    ['16K/48', [0, 2, 3, 4]],
    ['4K/39', [2, 3, 4]],
    ['16K/47', [2, 3, 4]],
    ['64K/48', [2, 3, 4]],
    ['64K/52', [2, 3, 4]],
    ['16K/36', [3, 4]],
    ['64K/42', [3, 4]],
  ])('%s: leaves report at %j, a PGD hole at 0, and dump.c names both as the model does', (c, leaves) => {
    const geo = geometry(c);
    const report = geo.levels.map((l) => reportLevels(geo, l.depth));
    expect(report.map((r) => r.leaf)).toEqual(leaves);
    expect(report.map((r) => r.hole)).toEqual([0, ...leaves.slice(1)]);
    for (const l of geo.levels) expect(dumpLevelNames(geo, l.depth)).toEqual({ leaf: l.name, hole: l.name });
  });

  it.each([
    ['4K/39', '0xffffff8000000000-0xffffff8080000000           2G PGD       RW NX SHD AF        BLK UXN MEM/NORMAL'],
    ['16K/36', '0xfffffff000000000-0xfffffff080000000           2G PGD       RW NX SHD AF        BLK UXN MEM/NORMAL'],
  ])('%s: a block in the PGD (a folded PUD or PMD slot) prints as PGD', (c, line) => {
    const k = new Kernel({ config: c, rodataFull: false, vmallocAreas: [] });
    expect(ptdump(k, { regions: ['linear'] }).split('\n')[1]).toBe(line);
  });
});

describe('entries that are not none', () => {
  const small = (): Kernel => new Kernel({ config: '64K/48', bootSize: 128 * MiB, vmallocAreas: [] });

  it('prints F for an invalid PTE with other bits set, and no attribute words for a none PTE', () => {
    const k = small();
    const x = k.layout.fixaddrTop - 16 * MiB;
    const before = containing(ptdumpRuns(ptdumpLines(k)), x)[0];
    expect(before?.attrs).toBe('');
    const last = walk(k.pt, x).steps.at(-1);
    if (!last) throw new Error('no walk');
    k.pt.writeEntry(last.table, last.level.depth, last.index, AF | SH_INNER, 0, x, 'test');
    const after = containing(ptdumpRuns(ptdumpLines(k)), x)[0];
    expect([after?.start, after?.end, after?.level, attrWords(after as PtdumpRun)[0]]).toEqual([
      x,
      x + k.geo.pageSize,
      'PTE',
      'F',
    ]);
  });

  it('skips a non-none invalid entry above the PTE level: the hole run goes on through it', () => {
    const k = small();
    const before = ptdump(k);
    const x = k.layout.vmallocStart + 2 * GiB;
    const last = walk(k.pt, x).steps.at(-1);
    if (last?.level.name !== 'PMD') throw new Error('expected a none PMD entry');
    k.pt.writeEntry(last.table, last.level.depth, last.index, TABLE_BIT, 0, x, 'test');
    expect(ptdump(k)).toBe(before);
  });
});

describe('limited dumps', () => {
  const k = new Kernel({ config: '64K/48', trace: false });

  it('dumps a region between its own markers, from its start to its end', () => {
    const lines = ptdumpLines(k, { regions: ['vmemmap'] });
    const runs = ptdumpRuns(lines);
    expect(markerNames(lines)).toEqual(['vmemmap start', 'vmemmap end']);
    expect([runs[0]?.start, runs.at(-1)?.end]).toEqual([k.layout.vmemmapStart, k.layout.vmemmapEnd]);
  });

  it('dumps several regions each on its own, bottom to top', () => {
    const names = markerNames(ptdumpLines(k, { regions: ['vmalloc', 'linear'] }));
    expect(names).toEqual(['Linear Mapping start', 'Linear Mapping end', 'vmalloc() area', 'vmalloc() end']);
  });

  it('refuses a region the layout lacks and an empty or outside range', () => {
    expect(() => ptdump(k, { regions: ['kasan'] })).toThrow(RangeRuleError);
    expect(() => ptdump(k, { range: { start: 4096, end: 4096 } })).toThrow(RangeRuleError);
    expect(() => ptdump(k, { range: { start: 0, end: 2 ** 48 + 1 } })).toThrow(RangeRuleError);
  });

  it('gives the runs as JSON with hex bounds, size and attribute words', () => {
    const json = ptdumpJson(k, { regions: ['linear'] });
    expect(json.runs[0]).toEqual({
      start: '0xffff000000000000',
      end: '0xffff000080000000',
      size: '2G',
      bytes: 2 * GiB,
      level: 'PTE',
      attrs: ['RW', 'NX', 'SHD', 'AF', 'UXN', 'MEM/NORMAL'],
      section: 'Linear Mapping start',
    });
  });
});
