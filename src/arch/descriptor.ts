import type { Level } from './geometry';

/*
 * Descriptors as the hardware encodes them (Arm ARM D5.3; the kernel's pgtable-hwdef.h names). A
 * descriptor is 64 bits, held as two unsigned 32-bit halves: `lo` = bits 31..0, `hi` = bits 63..32.
 */

export const VALID = 1 << 0;
/** Bit 1: table (levels 0–2) or page (level 3) when set; block when clear at levels 1–2. */
export const TABLE_BIT = 1 << 1;
export const ATTRINDX_SHIFT = 2;
export const AP_USER = 1 << 6;
export const AP_RDONLY = 1 << 7;
export const SH_SHIFT = 8;
/** SH = 3, inner shareable (PTE_SHARED). */
export const SH_INNER = 3 << SH_SHIFT;
export const AF = 1 << 10;
export const NG = 1 << 11;
/** Upper-half bits, as bit positions within `hi` (bit 51 → 19, …). */
export const HI_DBM = 1 << 19;
export const HI_CONT = 1 << 20;
export const HI_PXN = 1 << 21;
export const HI_UXN = 1 << 22;
/** Software bit 55, PTE_DIRTY. */
export const HI_DIRTY = 1 << 23;
/** Software bit 58, PTE_PROT_NONE: only meaningful while the valid bit is clear. */
export const HI_PROT_NONE = 1 << 26;

/** v5.7 MAIR indices (asm/memory.h before the 5.10 reordering). */
export enum MemType {
  DeviceNGnRnE = 0,
  DeviceNGnRE = 1,
  DeviceGRE = 2,
  NormalNC = 3,
  Normal = 4,
  NormalWT = 5,
}

/** Attribute bits of a descriptor without its output address. */
export interface Prot {
  readonly lo: number;
  readonly hi: number;
}

const attr = (t: MemType): number => t << ATTRINDX_SHIFT;

/** PAGE_KERNEL: PROT_NORMAL (valid page, AF, inner shareable, PXN, UXN, DBM write, dirty, Normal memory). */
export const PAGE_KERNEL: Prot = {
  lo: VALID | TABLE_BIT | AF | SH_INNER | attr(MemType.Normal),
  hi: HI_PXN | HI_UXN | HI_DBM | HI_DIRTY,
};
/** PAGE_KERNEL_RO and PAGE_KERNEL_ROX: the kernel image's read-only segments. */
export const PAGE_KERNEL_RO: Prot = { lo: PAGE_KERNEL.lo | AP_RDONLY, hi: HI_PXN | HI_UXN | HI_DIRTY };
export const PAGE_KERNEL_ROX: Prot = { lo: PAGE_KERNEL.lo | AP_RDONLY, hi: HI_UXN | HI_DIRTY };
/** PROT_SECT_NORMAL: a block of Normal memory (what vmemmap_populate installs on 4K). */
export const PROT_SECT_NORMAL: Prot = { lo: VALID | AF | SH_INNER | attr(MemType.Normal), hi: HI_PXN | HI_UXN };

export enum DescType {
  Invalid = 'invalid',
  Table = 'table',
  Block = 'block',
  Page = 'page',
  /** Bits[1:0] = 01 at level 3, or a block where the level allows none. */
  Reserved = 'reserved',
}

/** Decodes bits[1:0] at a level. */
export function descType(level: Level, lo: number): DescType {
  if ((lo & VALID) === 0) return DescType.Invalid;
  const tableBit = (lo & TABLE_BIT) !== 0;
  if (level.name === 'PTE') return tableBit ? DescType.Page : DescType.Reserved;
  if (tableBit) return DescType.Table;
  return level.blockAllowed ? DescType.Block : DescType.Reserved;
}

/** p*d_none: all 64 bits are zero (a high half alone makes an entry not none). */
export function isNone(lo: number, hi: number): boolean {
  return (lo | hi) === 0;
}

/** The all-none scan of a table's first `entries` descriptors: how many are not none (p*d_none, all 64 bits). */
export function entriesNotNone(words: Uint32Array, entries: number): number {
  let live = 0;
  for (let i = 0; i < entries; i++) if (!isNone(words[2 * i] as number, words[2 * i + 1] as number)) live++;
  return live;
}

/** pte_present, and pmd_present / pud_present built on it: valid, or PROT_NONE with the valid bit clear. */
export function isPresent(lo: number, hi: number): boolean {
  return (lo & VALID) !== 0 || (hi & HI_PROT_NONE) !== 0;
}

/** p*d_sect: bits[1:0] = 01. */
export function isSect(lo: number): boolean {
  return (lo & (VALID | TABLE_BIT)) === VALID;
}

/** p*d_table: bits[1:0] = 11. */
export function isTable(lo: number): boolean {
  return (lo & (VALID | TABLE_BIT)) === (VALID | TABLE_BIT);
}

const TWO32 = 2 ** 32;
const TWO48 = 2 ** 48;

/** Low half of an output address at a page shift (64K granule: OA[51:48] sits in bits 15..12). */
export function oaLo(pa: number, pageShift: number): number {
  const top = pageShift === 16 ? (Math.floor(pa / TWO48) & 0xf) << 12 : 0;
  return (((pa >>> 0) & (-1 << pageShift)) | top) >>> 0;
}

/** High half of an output address: bits 47..32. */
export function oaHi(pa: number): number {
  return Math.floor(pa / TWO32) & 0xffff;
}

/** The output address held in a descriptor. */
export function descAddr(lo: number, hi: number, pageShift: number): number {
  const top = pageShift === 16 ? ((lo >>> 12) & 0xf) * TWO48 : 0;
  return top + (hi & 0xffff) * TWO32 + ((lo & (-1 << pageShift)) >>> 0);
}

/** Table descriptor (PMD_TYPE_TABLE and friends), as __p*d_populate writes it. */
export function tableDesc(pa: number, pageShift: number): Prot {
  return { lo: (oaLo(pa, pageShift) | VALID | TABLE_BIT) >>> 0, hi: oaHi(pa) };
}

/** A leaf at a level: page at level 3, block above (the kernel clears the table bit, mk_sect_prot). */
export function leafDesc(level: Level, pa: number, prot: Prot, pageShift: number, cont: boolean): Prot {
  const typeBits = level.name === 'PTE' ? prot.lo : prot.lo & ~TABLE_BIT;
  return { lo: (oaLo(pa, pageShift) | typeBits) >>> 0, hi: (oaHi(pa) | prot.hi | (cont ? HI_CONT : 0)) >>> 0 };
}

/** Bits a live entry may change without break-before-make (pgattr_change_is_safe: PXN, RDONLY, DBM, nG). */
const SAFE_LO = AP_RDONLY | NG;
const SAFE_HI = HI_PXN | HI_DBM;

/**
 * pgattr_change_is_safe: creating or clearing is safe; a live contiguous entry may not change at all,
 * nor may a non-global entry become global; otherwise only the permission bits may change.
 */
export function changeIsSafe(oldLo: number, oldHi: number, newLo: number, newHi: number): boolean {
  if ((oldLo | oldHi) === 0 || (newLo | newHi) === 0) return true;
  if (((oldHi | newHi) & HI_CONT) !== 0) return false;
  if ((oldLo & ~newLo & NG) !== 0) return false;
  return ((oldLo ^ newLo) & ~SAFE_LO) === 0 && ((oldHi ^ newHi) & ~SAFE_HI) === 0;
}
