import { type Kva, kvaHex, physHex } from '../arch/address';
import {
  changeIsSafe,
  DescType,
  descAddr,
  descType,
  HI_CONT,
  oaHi,
  oaLo,
  type Prot,
  TABLE_BIT,
} from '../arch/descriptor';
import type { Level } from '../arch/geometry';
import { MappingConflictError, OutOfMemoryError, RangeRuleError } from '../errors';
import type { PageTables } from '../tables/page-tables';

/** Mapping flags of __create_pgd_mapping. */
export const NO_BLOCK_MAPPINGS = 1 << 0;
export const NO_CONT_MAPPINGS = 1 << 1;

export interface MappingRequest {
  readonly phys: number;
  readonly virt: Kva;
  readonly size: number;
  readonly prot: Prot;
  readonly flags: number;
  readonly actor: string;
}

/**
 * __create_pgd_mapping: maps [virt, virt + size) to phys, allocating missing tables. At every level
 * the same loop runs (the level is data): a block where the level allows one, the range and phys are
 * aligned to it and NO_BLOCK_MAPPINGS is clear; otherwise descend into a table. Aligned runs of
 * CONT_PMDS/CONT_PTES entries get the contiguous bit unless NO_CONT_MAPPINGS — but never at the top
 * level: the kernel hands each PGD entry's range to the level below on its own, so where the PMD is
 * folded into the PGD (16K/36, 64K/42) alloc_init_cont_pmd only ever sees one entry and no run forms.
 *
 * The kernel BUG()s on a live entry changed beyond its permission bits, or a block where a table is
 * needed; the model first walks the range without writing (the same loop, dry) and refuses such a
 * request — or one the allocator cannot satisfy — before anything changes.
 */
export function createPgdMapping(pt: PageTables, req: MappingRequest): void {
  const page = pt.geo.pageSize;
  if (req.size <= 0 || req.virt % page !== 0 || req.size % page !== 0 || req.phys % page !== 0) {
    throw new RangeRuleError('a mapping is non-empty and page-aligned in address, size and phys', {
      virt: kvaHex(pt.geo, req.virt),
      size: req.size,
      phys: physHex(req.phys),
    });
  }
  if (req.virt < 0 || req.virt + req.size > 2 ** pt.geo.vaBits) {
    throw new RangeRuleError('a mapping must lie inside the TTBR1 half', {
      virt: req.virt < 0 ? `${-req.virt} bytes below the TTBR1 half` : kvaHex(pt.geo, req.virt),
      size: req.size,
    });
  }
  if (req.phys < 0 || req.phys + req.size > 2 ** pt.geo.paBits) {
    throw new RangeRuleError('a mapping’s physical range must fit the physical address bits', {
      phys: physHex(req.phys),
      size: req.size,
      paBits: pt.geo.paBits,
    });
  }
  const dry: Run = { pt, req, dry: { tables: 0 } };
  mapLevel(dry, pt.pgd, 0, req.virt, req.virt + req.size, req.phys);
  const needed = dry.dry?.tables ?? 0;
  if (needed > pt.alloc.available(0)) {
    throw new OutOfMemoryError('a mapping needs more table pages than the allocator has', {
      needed,
      available: pt.alloc.available(0),
    });
  }
  mapLevel({ pt, req, fresh: new Set() }, pt.pgd, 0, req.virt, req.virt + req.size, req.phys);
}

/** One pass of the mapping: the tables, the request, and for a dry pass the count of tables it would allocate. */
interface Run {
  readonly pt: PageTables;
  readonly req: MappingRequest;
  /** Present in the dry pass, which writes nothing. */
  readonly dry?: { tables: number };
  /** Tables this pass allocated: all their entries were none, so there is nothing to check before writing. */
  readonly fresh?: Set<number>;
}

/** One level of the mapping loop. */
function mapLevel(run: Run, table: number, depth: number, start: Kva, end: Kva, phys: number): void {
  const { pt, req } = run;
  const level = pt.geo.levels[depth] as Level;
  if (level.name === 'PTE') {
    mapPtes(run, table, level, start, end, phys);
    return;
  }
  const contSize = depth > 0 ? level.contEntries * level.entrySize : 0;
  let addr = start;
  while (addr < end) {
    const runEnd = contSize ? Math.min((Math.floor(addr / contSize) + 1) * contSize, end) : end;
    const cont = contSize > 0 && contAligned(req, addr, runEnd, phys, contSize);
    while (addr < runEnd) {
      const next = Math.min((Math.floor(addr / level.entrySize) + 1) * level.entrySize, runEnd);
      const index = pt.index(level, addr);
      const block =
        level.blockAllowed &&
        (req.flags & NO_BLOCK_MAPPINGS) === 0 &&
        addr % level.entrySize === 0 &&
        next % level.entrySize === 0 &&
        phys % level.entrySize === 0;
      if (block) writeLeaf(run, table, level, index, addr, phys, cont);
      else descend(run, table, level, index, addr, next, phys);
      phys += next - addr;
      addr = next;
    }
  }
}

function contAligned(req: MappingRequest, addr: Kva, runEnd: Kva, phys: number, contSize: number): boolean {
  return (
    (req.flags & NO_CONT_MAPPINGS) === 0 && addr % contSize === 0 && runEnd % contSize === 0 && phys % contSize === 0
  );
}

/** Follows or creates the next-level table under one entry (alloc_init_pud / alloc_init_cont_pmd / …). */
function descend(run: Run, table: number, level: Level, index: number, addr: Kva, next: Kva, phys: number): void {
  const { pt, req, dry } = run;
  const [lo, hi] = entryAt(run, table, index);
  const type = descType(level, lo);
  if (type === DescType.Table) {
    mapLevel(run, descAddr(lo, hi, pt.geo.pageShift) / pt.geo.pageSize, level.depth + 1, addr, next, phys);
    return;
  }
  if (type !== DescType.Invalid || (lo | hi) !== 0) {
    throw new MappingConflictError('a table is needed where a live block or leaf is mapped (kernel BUG)', {
      level: level.name,
      va: kvaHex(pt.geo, addr),
      entry: entryHex(lo, hi),
    });
  }
  if (dry) {
    dry.tables++;
    mapLevel(run, NEW_TABLE, level.depth + 1, addr, next, phys);
    return;
  }
  const child = pt.allocTable(level.depth + 1, req.actor);
  pt.install(table, level.depth, index, child, addr, req.actor);
  run.fresh?.add(child);
  mapLevel(run, child, level.depth + 1, addr, next, phys);
}

const TWO32 = 2 ** 32;

/** In a dry run, the stand-in for a table that a real run would allocate: every entry none. */
const NEW_TABLE = -1;

/** All-none entries of a table a dry run pretends to allocate, shared (a dry run never writes). */
const NONE_ENTRIES = new Map<number, Uint32Array>();

function entries(run: Run, table: number): Uint32Array {
  const { pt, req } = run;
  if (table !== NEW_TABLE) return pt.words(table, req.actor);
  const words = NONE_ENTRIES.get(pt.geo.ptrsPerTable) ?? new Uint32Array(pt.geo.ptrsPerTable * 2);
  NONE_ENTRIES.set(pt.geo.ptrsPerTable, words);
  return words;
}

/** The two halves of one entry. */
function entryAt(run: Run, table: number, index: number): [number, number] {
  const words = entries(run, table);
  return [words[2 * index] ?? 0, words[2 * index + 1] ?? 0];
}

function entryHex(lo: number, hi: number): string {
  return `0x${hi.toString(16).padStart(8, '0')}${lo.toString(16).padStart(8, '0')}`;
}

/** p*d_set_huge: a block at a level above the PTEs. */
function writeLeaf(run: Run, table: number, level: Level, index: number, addr: Kva, phys: number, cont: boolean): void {
  const { pt, req, dry } = run;
  const [oldLo, oldHi] = entryAt(run, table, index);
  const lo = (oaLo(phys, pt.geo.pageShift) | (req.prot.lo & ~TABLE_BIT)) >>> 0;
  const hi = (oaHi(phys) | req.prot.hi | (cont ? HI_CONT : 0)) >>> 0;
  if (!changeIsSafe(oldLo, oldHi, lo, hi)) conflict(pt, level, addr, oldLo, oldHi);
  if (!dry) pt.writeEntry(table, level.depth, index, lo, hi, addr, req.actor);
}

/** init_pte over [start, end): the hot loop, one descriptor per page. */
function mapPtes(run: Run, table: number, level: Level, start: Kva, end: Kva, phys: number): void {
  const { pt, req, dry } = run;
  if (dry && table === NEW_TABLE) return;
  const geo = pt.geo;
  const words = dry ? entries(run, table) : pt.writableWords(table, req.actor);
  const contSize = level.contEntries * level.entrySize;
  const recording = pt.trace.recording;
  const check = !run.fresh?.has(table);
  const page = geo.pageSize;
  let index = pt.index(level, start);
  let pa = phys;
  let addr = start;
  while (addr < end) {
    const runEnd = Math.min((Math.floor(addr / contSize) + 1) * contSize, end);
    const contHi = contAligned(req, addr, runEnd, pa, contSize) ? HI_CONT : 0;
    // The output address advances by one page per entry: recompute its words only when the low word wraps.
    let oaLow = oaLo(pa, geo.pageShift);
    let oaHigh = oaHi(pa);
    const protLo = req.prot.lo;
    const protHi = req.prot.hi | contHi;
    if (!check && !dry && !recording) {
      // A table this mapping allocated, the trace only counting: nothing to read, nothing to record.
      for (let i = 2 * index, n = 2 * (index + (runEnd - addr) / page); i < n; i += 2) {
        if (oaLow >= TWO32) {
          const at = pa + (i / 2 - index) * page;
          oaLow = oaLo(at, geo.pageShift);
          oaHigh = oaHi(at);
        }
        words[i] = (oaLow | protLo) >>> 0;
        words[i + 1] = (oaHigh | protHi) >>> 0;
        oaLow += page;
      }
      index += (runEnd - addr) / page;
      pa += runEnd - addr;
      addr = runEnd;
      continue;
    }
    for (; addr < runEnd; addr += page, pa += page, index++) {
      if (oaLow >= TWO32) {
        oaLow = oaLo(pa, geo.pageShift);
        oaHigh = oaHi(pa);
      }
      const lo = (oaLow | protLo) >>> 0;
      const hi = (oaHigh | protHi) >>> 0;
      oaLow += page;
      if (check) {
        const oldLo = words[2 * index] as number;
        const oldHi = words[2 * index + 1] as number;
        if ((oldLo | oldHi) !== 0 && !changeIsSafe(oldLo, oldHi, lo, hi)) conflict(pt, level, addr, oldLo, oldHi);
      }
      if (dry) continue;
      // set_pte: the words are this table's own (writableWords), so each write goes straight to them.
      words[2 * index] = lo;
      words[2 * index + 1] = hi;
      if (recording) pt.recordWrite(table, level.depth, index, addr, req.actor);
    }
  }
  if (!dry && !recording) pt.trace.count('write', (end - start) / geo.pageSize);
}

function conflict(pt: PageTables, level: Level, addr: Kva, lo: number, hi: number): never {
  throw new MappingConflictError('a live entry may change only in its permission bits (kernel BUG)', {
    level: level.name,
    va: kvaHex(pt.geo, addr),
    entry: entryHex(lo, hi),
  });
}
