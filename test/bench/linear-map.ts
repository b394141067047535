import { PAGE_KERNEL } from '../../src/arch/descriptor';
import { createPgdMapping, NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS } from '../../src/mappings/create-mapping';
import { Kernel } from '../../src/mappings/kernel';
import { translate } from '../../src/tables/walker';
import { seconds } from './clock';

/*
 * Benchmark (issue "Foundation"): a page-mapped linear map of 16 Mi PTEs — 64 GiB on 4K/48 — built by
 * __create_pgd_mapping with NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS and PAGE_KERNEL, trace recording off,
 * then every page translated back. Figures: PTEs written per second, translations per second, and
 * the process memory the new table pages cost each, as resident set and as heap + ArrayBuffers
 * (after a forced collection when node runs with --expose-gc): goal ≤ 1.1 × the granule for both.
 */

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const CONFIG = '4K/48';
const SIZE = 64 * GiB;
/** The hot-added block sits well above boot memory. */
const BASE = 256 * GiB;
/**
 * 16 Mi PTEs fill 32768 PTE tables (128 MiB), plus 64 PMD tables and one PUD table. 512 MiB of boot
 * memory leaves about 460 MiB in the pool after the image (34 MiB), the page-mapped boot linear map
 * (1 MiB of tables), one section of vmemmap (16 MiB) and the FDT (2 MiB).
 */
const BOOT_SIZE = 512 * MiB;
const GOAL_PER_GRANULE = 1.1;

export interface LinearMapFigures {
  readonly config: string;
  readonly gib: number;
  readonly ptesWritten: number;
  readonly tablePages: number;
  readonly tablePagesAvailable: number;
  readonly mapSeconds: number;
  readonly ptesPerSecond: number;
  readonly translations: number;
  readonly wrongTranslations: number;
  readonly translateSeconds: number;
  readonly translationsPerSecond: number;
  readonly granule: number;
  readonly rssBytesPerTablePage: number;
  readonly heapBytesPerTablePage: number;
  readonly goalBytesPerTablePage: number;
  readonly withinGoal: boolean;
  readonly gcExposed: boolean;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Resident set and JS-owned memory (heap + ArrayBuffers) after a full collection when one can be forced. */
function memory(): { rss: number; js: number } {
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, js: m.heapUsed + m.arrayBuffers };
}

const liveTables = (k: Kernel): number => k.mem.liveTables.reduce((a, b) => a + b, 0);

/** Translates every page of the range; returns how many did not land on their physical page. */
function translateAll(k: Kernel, virt: number, phys: number, pages: number): number {
  const page = k.geo.pageSize;
  let wrong = 0;
  for (let i = 0; i < pages; i++) if (translate(k.pt, virt + i * page + 123) !== phys + i * page + 123) wrong++;
  return wrong;
}

export function linearMapBench(): LinearMapFigures {
  const k = new Kernel({ config: CONFIG, bootSize: BOOT_SIZE, vmallocAreas: [] });
  k.mem.addBlock('hotplug', BASE, SIZE);
  k.pt.trace.recording = false;
  const tablePagesAvailable = k.alloc.available(0);
  const writesBefore = k.pt.trace.counts.write;
  const tablesBefore = liveTables(k);
  const virt = k.linearVa(BASE);
  const before = memory();
  const t = process.hrtime.bigint();
  createPgdMapping(k.pt, {
    phys: BASE,
    virt,
    size: SIZE,
    prot: PAGE_KERNEL,
    flags: NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS,
    actor: 'bench',
  });
  const mapSeconds = seconds(t);
  const after = memory();
  const tablePages = liveTables(k) - tablesBefore;
  const ptesWritten = k.pt.trace.counts.write - writesBefore;
  const pages = SIZE / k.geo.pageSize;
  const t2 = process.hrtime.bigint();
  const wrongTranslations = translateAll(k, virt, BASE, pages);
  const translateSeconds = seconds(t2);
  const rssBytesPerTablePage = (after.rss - before.rss) / tablePages;
  const heapBytesPerTablePage = (after.js - before.js) / tablePages;
  const goal = GOAL_PER_GRANULE * k.geo.pageSize;
  return {
    config: CONFIG,
    gib: SIZE / GiB,
    ptesWritten,
    tablePages,
    tablePagesAvailable,
    mapSeconds,
    ptesPerSecond: ptesWritten / mapSeconds,
    translations: pages,
    wrongTranslations,
    translateSeconds,
    translationsPerSecond: pages / translateSeconds,
    granule: k.geo.pageSize,
    rssBytesPerTablePage,
    heapBytesPerTablePage,
    goalBytesPerTablePage: goal,
    withinGoal: Math.max(rssBytesPerTablePage, heapBytesPerTablePage) <= goal,
    gcExposed: gc !== undefined,
  };
}
