import { closeSync, openSync, readSync } from 'node:fs';
import { physHex } from '../arch/address';
import type { Geometry } from '../arch/geometry';
import { RangeRuleError } from '../errors';
import type { TableView } from '../tables/table-view';

/** A range of guest-physical memory saved to a file (QEMU's pmemsave writes exactly these bytes). */
export interface RamRange {
  /** Guest-physical address of the file's first byte. */
  readonly base: number;
  readonly size: number;
  readonly file: string;
}

/**
 * A snapshot of a real guest's RAM: ranges of physical memory, each backed by a file, read a page at
 * a time. As page tables it is the other memory the model's walker and ptdump read (a TableView): the
 * PGD is swapper_pg_dir's page frame, and a table page is whatever the snapshot holds at that frame.
 * A page no range holds reads as zeroes (no entry) and is remembered in `missing`, so a caller can save
 * it and walk again; `strict` refuses such a read instead.
 */
export class RamImage implements TableView {
  /** Page frames read but not held by any range, in the order first read. */
  readonly missing = new Set<number>();
  private readonly ranges: RamRange[] = [];
  private readonly fds = new Map<string, number>();
  private readonly pages = new Map<number, Uint32Array>();

  constructor(
    readonly geo: Geometry,
    /** Page frame of swapper_pg_dir. */
    readonly pgd: number,
    ranges: readonly RamRange[] = [],
    readonly strict = false,
  ) {
    for (const r of ranges) this.add(r);
  }

  /** Adds a saved range; it must be page-aligned and overlap no range already held. */
  add(range: RamRange): void {
    const page = this.geo.pageSize;
    const { base, size } = range;
    if (size <= 0 || base % page !== 0 || size % page !== 0) {
      throw new RangeRuleError('a RAM image range is page-aligned and non-empty', { base: physHex(base), size });
    }
    const clash = this.ranges.find((r) => base < r.base + r.size && r.base < base + size);
    if (clash) {
      throw new RangeRuleError('RAM image ranges must not overlap', { base: physHex(base), held: physHex(clash.base) });
    }
    this.ranges.push(range);
    for (let pfn = base / page; pfn < (base + size) / page; pfn++) this.missing.delete(pfn);
  }

  /** Whether a range holds the page frame. */
  holds(pfn: number): boolean {
    return this.rangeOf(pfn * this.geo.pageSize) !== undefined;
  }

  /** The descriptors of the page at a frame, as 32-bit little-endian halves (lo, hi per entry). */
  words(pfn: number, _accessor: string): Uint32Array {
    const cached = this.pages.get(pfn);
    if (cached) return cached;
    const pa = pfn * this.geo.pageSize;
    const range = this.rangeOf(pa);
    if (!range) {
      if (this.strict) {
        throw new RangeRuleError('a table page must lie in a saved range of the RAM image', { page: physHex(pa) });
      }
      this.missing.add(pfn);
      return new Uint32Array(this.geo.pageSize / 4);
    }
    const bytes = Buffer.alloc(this.geo.pageSize);
    readSync(this.fd(range.file), bytes, 0, bytes.length, pa - range.base);
    const words = new Uint32Array(this.geo.pageSize / 4);
    for (let i = 0; i < words.length; i++) words[i] = bytes.readUInt32LE(4 * i);
    this.pages.set(pfn, words);
    return words;
  }

  /** Closes the files the image has opened. */
  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private rangeOf(pa: number): RamRange | undefined {
    return this.ranges.find((r) => pa >= r.base && pa < r.base + r.size);
  }

  private fd(file: string): number {
    let fd = this.fds.get(file);
    if (fd === undefined) {
      fd = openSync(file, 'r');
      this.fds.set(file, fd);
    }
    return fd;
  }
}
