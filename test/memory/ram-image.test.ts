import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { physHex, toKva } from '../../src/arch/address';
import { DescType, descAddr } from '../../src/arch/descriptor';
import { geometry, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { layout } from '../../src/arch/layout';
import { tablesOver } from '../../src/conformance/tables';
import { RangeRuleError } from '../../src/errors';
import { RamImage } from '../../src/memory/ram-image';
import { ptdump, ptdumpLines, ptdumpRuns } from '../../src/present/ptdump';
import { reachableTables } from '../../src/tables/tree';
import { translate, walk } from '../../src/tables/walker';
import { sharedKernel } from '../support/kernels';
import { refusal } from '../support/refusal';

const scratch = mkdtempSync(join(tmpdir(), 'ram-image-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('one walker, two memories', () => {
  it('the model’s tables saved page by page to files walk and dump exactly as the model’s own memory', () => {
    for (const config of SUPPORTED_CONFIGS) {
      const k = sharedKernel(config);
      const dir = mkdtempSync(join(scratch, 'model-'));
      const ranges = reachableTables(k.pt).map(({ pfn }) => {
        const words = k.pt.words(pfn, 'test');
        const file = join(dir, `${pfn}.page`);
        writeFileSync(file, Buffer.from(words.buffer, words.byteOffset, words.byteLength));
        return { base: pfn * k.geo.pageSize, size: k.geo.pageSize, file };
      });
      const image = new RamImage(k.geo, k.pt.pgd, ranges, true);
      expect(ptdump({ geo: k.geo, layout: k.layout, pt: image }), config).toBe(ptdump(k));
      expect(reachableTables(image), config).toEqual(reachableTables(k.pt));
      image.close();
    }
  });
});

/** A few table pages cut from a real run: Debian's 6.1 just after virtio-mem hot-added 512 MiB. */
interface Recorded {
  readonly config: string;
  readonly swapperPgDir: number;
  readonly linear: { readonly start: string; readonly end: string };
  /** The physical address the first plugged linear address maps. */
  readonly linearPa: number;
  readonly plugged: number;
  readonly walked: readonly string[];
  readonly pages: readonly { readonly pa: number; readonly file: string }[];
}

const RECORDED = join(__dirname, 'ram-image-6.1');
const rec = JSON.parse(readFileSync(join(RECORDED, 'index.json'), 'utf8')) as Recorded;
const geo = geometry(rec.config);
const linearStart = toKva(geo, BigInt(rec.linear.start));
const walked = rec.walked.map((va) => toKva(geo, BigInt(va)));
/** The two PTE tables recorded map the first two PMD entries of the plugged range. */
const recordedPtes = { start: linearStart, end: linearStart + 2 * (geo.levels[2]?.entrySize ?? 0) };

function recordedImage(strict = false): RamImage {
  const ranges = rec.pages.map((p) => ({ base: p.pa, size: geo.pageSize, file: join(RECORDED, p.file) }));
  return new RamImage(geo, rec.swapperPgDir / geo.pageSize, ranges, strict);
}

describe('a real kernel’s tables read from a RAM image (Debian 6.1, 4K/48)', () => {
  it('every page of the recorded PTE tables translates through the linear map: each page at its physical offset from the range’s start', () => {
    const image = recordedImage(true);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: (recordedPtes.end - recordedPtes.start) / geo.pageSize - 1 }), (page) => {
        const kva = recordedPtes.start + page * geo.pageSize;
        expect(translate(image, kva)).toBe(rec.linearPa + (kva - linearStart));
      }),
    );
    image.close();
  });

  it('the walk of the first plugged address passes through swapper_pg_dir and ends in a page at level 3', () => {
    const image = recordedImage(true);
    const w = walk(image, linearStart);
    expect(w.steps.map((s) => s.level.name)).toEqual(geo.levels.map((l) => l.name));
    expect(w.steps[0]?.table).toBe(rec.swapperPgDir / geo.pageSize);
    expect(w.steps.at(-1)?.type).toBe(DescType.Page);
    image.close();
  });

  it('the struct pages of the plugged range are mapped by a PMD block, as vmemmap_populate maps them on 4K', () => {
    const image = recordedImage(true);
    const w = walk(image, walked[2] ?? 0);
    expect(w.stoppedAt.name).toBe('PMD');
    expect(w.steps.at(-1)?.type).toBe(DescType.Block);
    image.close();
  });

  it('the PMD table of the plugged GiB has one live entry per 2 MiB plugged, each a table', () => {
    const image = recordedImage();
    const pmd = tablesOver(image, [recordedPtes]).find((t) => t.level === 'PMD');
    const entry = geo.levels[2]?.entrySize ?? 1;
    expect(pmd).toMatchObject({ live: rec.plugged / entry, tables: rec.plugged / entry, blocks: 0 });
    image.close();
  });

  it('ptdump prints the recorded PTE tables as one run of pages at the PTE level', () => {
    const image = recordedImage(true);
    const runs = ptdumpRuns(ptdumpLines({ geo, layout: layout(geo), pt: image }, { range: recordedPtes }));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ start: recordedPtes.start, end: recordedPtes.end, level: 'PTE' });
    image.close();
  });

  it('a table page the image does not hold reads as no entry and is listed as missing, or is refused when strict', () => {
    const beyond = recordedPtes.end;
    const image = recordedImage();
    const pmdStep = walk(image, beyond).steps[2];
    expect(translate(image, beyond)).toBe(-1);
    const child = descAddr(pmdStep?.lo ?? 0, pmdStep?.hi ?? 0, geo.pageShift) / geo.pageSize;
    expect([...image.missing]).toEqual([child]);
    expect(() => translate(recordedImage(true), beyond)).toThrow(RangeRuleError);
    image.close();
  });

  it('refuses ranges that overlap one it holds or are not page-aligned, and keeps what it had', () => {
    const image = recordedImage();
    const held = rec.pages[0]?.pa ?? 0;
    const file = join(RECORDED, rec.pages[0]?.file ?? '');
    expect(() => image.add({ base: held, size: geo.pageSize, file })).toThrow(/must not overlap/);
    expect(() => image.add({ base: held + 8, size: geo.pageSize, file })).toThrow(/page-aligned/);
    expect(() => image.add({ base: 0, size: 0, file })).toThrow(RangeRuleError);
    expect(image.holds(held / geo.pageSize)).toBe(true);
    expect(image.holds(0)).toBe(false);
    image.close();
  });
});

/** A file of `pages` pages whose every 32-bit word is its page's frame number. */
function savedPages(first: number, pages: number): string {
  const file = join(mkdtempSync(join(scratch, 'range-')), 'ram');
  const words = new Uint32Array((pages * geo.pageSize) / 4).map((_, i) => first + Math.floor((4 * i) / geo.pageSize));
  writeFileSync(file, Buffer.from(words.buffer));
  return file;
}

/**
 * How many descriptors this process holds open on these files. Only theirs are counted: test files in
 * other worker threads of the same process open and close files of their own meanwhile.
 */
function openOn(files: readonly string[]): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return files.includes(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      return false; // closed since the directory was read
    }
  }).length;
}

describe('a RAM image built range by range', () => {
  it('starts empty and lenient: every page reads as a table of no entries and is listed missing until a range holds it', () => {
    const image = new RamImage(geo, 0x100);
    const empty = image.words(0x102, 'walk');
    expect([empty.length, empty.every((w) => w === 0)]).toEqual([2 * geo.ptrsPerTable, true]);
    for (const pfn of [0x0ff, 0x100, 0x104, 0x105]) image.words(pfn, 'walk');
    image.add({ base: 0x100 * geo.pageSize, size: 5 * geo.pageSize, file: savedPages(0x100, 5) });
    expect([...image.missing]).toEqual([0x0ff, 0x105]);
    expect([...image.words(0x104, 'walk')].every((w) => w === 0x104)).toBe(true);
    image.close();
  });

  it('names the values of every refusal: a range not a whole number of pages, an overlap, a page missing when strict', () => {
    const page = geo.pageSize;
    const image = new RamImage(geo, 0x100, [{ base: 0x100 * page, size: 2 * page, file: savedPages(0x100, 2) }], true);
    expect(refusal(() => image.add({ base: 0x200 * page, size: page + 512, file: 'x' })).message).toBe(
      `a RAM image range is page-aligned and non-empty (base=${physHex(0x200 * page)}, size=${page + 512})`,
    );
    expect(refusal(() => image.add({ base: 0x101 * page, size: page, file: 'x' })).message).toBe(
      `RAM image ranges must not overlap (base=${physHex(0x101 * page)}, held=${physHex(0x100 * page)})`,
    );
    expect(refusal(() => image.words(0x102, 'walk')).message).toBe(
      `a table page must lie in a saved range of the RAM image (page=${physHex(0x102 * page)})`,
    );
    image.close();
  });

  it('opens each file once however many of its pages are read, and close lets them all go', () => {
    const page = geo.pageSize;
    const files = [savedPages(0x100, 4), savedPages(0x200, 4)];
    const image = new RamImage(geo, 0x100, [
      { base: 0x100 * page, size: 4 * page, file: files[0] as string },
      { base: 0x200 * page, size: 4 * page, file: files[1] as string },
    ]);
    for (const pfn of [0x100, 0x101, 0x103, 0x200, 0x202]) expect(image.words(pfn, 'walk')[0]).toBe(pfn);
    expect(openOn(files)).toBe(2);
    image.close();
    expect(openOn(files)).toBe(0);
  });
});
