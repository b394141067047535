import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, it, vi } from 'vitest';
import type { Kva } from '../../src/arch/address';
import { type ConfigName, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { Kernel } from '../../src/mappings/kernel';
import {
  attrWords,
  dumpProt,
  formatRun,
  type PtdumpRun,
  ptdump,
  ptdumpLines,
  ptdumpRuns,
  sizeColumn,
} from '../../src/present/ptdump';
import { reachableTables } from '../../src/tables/tree';
import { translate, walk } from '../../src/tables/walker';
import { property } from '../support/property';

const GiB = 2 ** 30;
const BOOT_BASE = 0x4000_0000;
const BOOT_SIZE = 2 * GiB;

/** The boot state of every configuration (2 GiB at 0x40000000, rodata_full), built once for the file; nothing here reads its events, so they are counted, not recorded. */
const BOOTED = new Map(SUPPORTED_CONFIGS.map((c) => [c, new Kernel({ config: c, trace: false })] as const));
const boot = (c: ConfigName): Kernel => BOOTED.get(c) as Kernel;
/** The runs of each boot state's full dump, walked once for the file. */
const RUNS = new Map(SUPPORTED_CONFIGS.map((c) => [c, ptdumpRuns(ptdumpLines(boot(c)))] as const));
const fullRuns = (c: ConfigName): PtdumpRun[] => RUNS.get(c) as PtdumpRun[];

const containing = (runs: readonly PtdumpRun[], x: Kva): PtdumpRun[] => runs.filter((r) => r.start <= x && x < r.end);

/** A mapped line: attribute words present and the valid column not `F`. */
const isMapped = (r: PtdumpRun): boolean => r.attrs !== '' && attrWords(r)[0] !== 'F';

describe.each(SUPPORTED_CONFIGS)('the boot dump of %s', (c) => {
  const k = boot(c);
  const runs = fullRuns(c);

  it('prints each run as two hex bounds, three spaces, size, level and attributes', () => {
    for (const run of runs) {
      const line = formatRun(k.geo, run);
      assert.match(line, /^0x[0-9a-f]{16}-0x[0-9a-f]{16} {3}[ \d]{8}\d[KMGTPE] (PGD|PUD|PMD|PTE)( .*[^ ])?$/);
      assert.equal(line.slice(40, 50), sizeColumn(run.end - run.start));
    }
  });

  it('covers the whole kernel half with ordered, adjacent, non-empty runs', () => {
    assert.equal(runs[0]?.start, 0);
    assert.equal(runs.at(-1)?.end, 2 ** k.geo.vaBits);
    for (let i = 0; i < runs.length; i++) {
      const r = runs[i] as PtdumpRun;
      assert.ok(r.end > r.start, `expected ${r.end} > ${r.start}`);
      if (i > 0) assert.equal(r.start, runs[i - 1]?.end);
    }
  });

  it('page-maps the boot memory in the linear map (rodata_full)', () => {
    const linear = runs.filter((r) => r.start >= k.linearVa(BOOT_BASE) && r.end <= k.linearVa(BOOT_BASE + BOOT_SIZE));
    assert.deepEqual(
      linear.map((r) => [r.level, attrWords(r)]),
      [['PTE', ['RW', 'NX', 'SHD', 'AF', 'UXN', 'MEM/NORMAL']]],
    );
  });

  it('maps vmemmap with PMD blocks on 4K and base pages otherwise', () => {
    const vmemmap = runs.filter((r) => r.section === 'vmemmap start' && isMapped(r));
    const expected = k.geo.granule === 4 ? ['PMD', true] : ['PTE', false];
    assert.ok(vmemmap.length > 0, `expected ${vmemmap.length} > 0`);
    for (const r of vmemmap) assert.deepEqual([r.level, attrWords(r).includes('BLK')], expected);
  });

  it('names every level as dump.c does: a folded PUD or PMD prints as PGD, P4D never prints', () => {
    const real = k.geo.levels.map((l) => l.name);
    for (const r of runs) assert.ok((real as string[]).includes(r.level), `${r.level} is not among ${real}`);
  });

  it('reads every table page of the boot state once, and no other page', () => {
    const reads = vi.spyOn(k.pt, 'words');
    ptdump(k);
    const read = reads.mock.calls.map(([pfn]) => pfn);
    reads.mockRestore();
    assert.equal(read.length, new Set(read).size);
    assert.deepEqual(new Set(read), new Set(reachableTables(k.pt).map((n) => n.pfn)));
  });
});

/** Addresses worth sampling: mapped ones of each kind the boot state has, and any address at all. */
function sampleAddress(k: Kernel, kind: number, frac: number): Kva {
  const pick = (start: Kva, size: number): Kva => start + Math.floor(frac * size);
  const area = k.vmalloc.areas[Math.floor(frac * k.vmalloc.areas.length)];
  const fixmap = k.layout.regions.find((r) => r.key === 'fixmap');
  switch (kind) {
    case 0:
      return pick(k.linearVa(BOOT_BASE), BOOT_SIZE);
    case 1:
      return pick(k.vmemmapVa(BOOT_BASE / k.geo.pageSize), (BOOT_SIZE / k.geo.pageSize) * k.geo.structPageSize);
    case 2:
      return pick(area?.start ?? 0, (area?.size ?? 0) + k.geo.pageSize);
    case 3:
      return pick(fixmap?.start ?? 0, (fixmap?.end ?? 0) - (fixmap?.start ?? 0));
    default:
      return pick(0, 2 ** k.geo.vaBits);
  }
}

const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const sample = fc.record({ config: fc.constantFrom(...SUPPORTED_CONFIGS), kind: fc.nat(4), frac: unit });

describe('the dump agrees with the walker', () => {
  property([sample], { numRuns: 1000 })(
    'an address lies in exactly one run: a mapped line where it translates, a hole or F line where not',
    ({ config, kind, frac }) => {
      const k = boot(config);
      const x = sampleAddress(k, kind, frac);
      const found = containing(fullRuns(config), x);
      assert.equal(found.length, 1);
      const run = found[0] as PtdumpRun;
      const w = walk(k.pt, x);
      const leaf = w.steps.at(-1);
      assert.equal(isMapped(run), translate(k.pt, x) >= 0);
      assert.equal(run.level, w.stoppedAt.name);
      assert.equal(run.attrs, (leaf?.lo ?? 0) | (leaf?.hi ?? 0) ? dumpProt(leaf?.lo ?? 0, leaf?.hi ?? 0) : '');
    },
  );

  property([sample, fc.integer({ min: 12, max: 34 }), unit, unit], { numRuns: 150 })(
    'a range dump covers exactly its range in order, and agrees with the full dump inside it',
    ({ config, kind, frac }, bits, length, inside) => {
      const k = boot(config);
      const start = sampleAddress(k, kind, frac);
      const end = Math.min(2 ** k.geo.vaBits, start + 1 + Math.floor(length * 2 ** bits));
      const runs = ptdumpRuns(ptdumpLines(k, { range: { start, end } }));
      assert.deepEqual(
        runs.map((r) => r.start),
        [start, ...runs.slice(0, -1).map((r) => r.end)],
      );
      assert.equal(runs.at(-1)?.end, end);
      const x = start + Math.floor(inside * (end - start));
      const [part] = containing(runs, x);
      const [whole] = containing(fullRuns(config), x);
      assert.deepEqual([part?.level, part?.attrs], [whole?.level, whole?.attrs]);
    },
  );
});
