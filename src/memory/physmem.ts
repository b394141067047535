import { physHex } from '../arch/address';
import type { Geometry } from '../arch/geometry';
import { formatSize, MODEL_BUDGET, maxPresentPages } from '../arch/size';
import { RangeRuleError } from '../errors';
import { type Owner, PageState, POISON_WORD } from './page';

const SLAB_BYTES = 2 ** 20;

/** A contiguous block of present physical memory, with one state and owner byte per page. */
export interface MemBlock {
  readonly kind: 'boot' | 'hotplug';
  readonly base: number;
  readonly size: number;
  readonly firstPfn: number;
  readonly pages: number;
  readonly state: Uint8Array;
  readonly owner: Uint8Array;
}

/**
 * Refuses size bytes more beside `present` pages if the model could not hold them within its budget
 * (maxPresentPages), naming the most it can: whole sections, since memory comes and goes in sections.
 */
export function checkRoom(geo: Geometry, present: number, size: number, traced: boolean): void {
  const most = maxPresentPages(traced);
  if (present + size / geo.pageSize > most) {
    const room = Math.max(0, most - present) * geo.pageSize;
    throw new RangeRuleError(
      `the model holds the memory whose pages and tables fit in its ${formatSize(MODEL_BUDGET)} budget, boot and hot-added together`,
      {
        size: formatSize(size),
        largest: formatSize(room - (room % geo.sectionSize)),
        config: geo.name,
        trace: traced ? 'on' : 'off',
      },
    );
  }
}

/** A misuse of memory the model detected (it does not stop the model; detectors read the list). */
export interface MemViolation {
  readonly kind: 'use-after-free' | 'double-free' | 'absent-page' | 'stale-walk-cache';
  readonly pfn: number;
  readonly accessor: string;
  readonly detail: string;
}

/**
 * Physical memory: present blocks (boot memory and hot-added ranges), a state and an owner for every
 * page, the contents of page-table pages (exactly one granule of descriptors each, as 32-bit halves),
 * and the per-level count of live table pages.
 */
export class PhysMem {
  readonly blocks: MemBlock[] = [];
  readonly violations: MemViolation[] = [];
  /** Live table pages by depth (0 = PGD level), counting static tables too. */
  readonly liveTables: number[];
  private readonly contents = new Map<number, Uint32Array>();
  private slab?: ArrayBuffer;
  private slabUsed = 0;
  private readonly depthOf = new Map<number, number>();
  private last?: MemBlock;

  constructor(readonly geo: Geometry) {
    this.liveTables = geo.levels.map(() => 0);
  }

  /** A deep copy: blocks, page states, table contents, counts and violations. */
  clone(): PhysMem {
    const copy = new PhysMem(this.geo);
    for (const b of this.blocks) copy.blocks.push({ ...b, state: b.state.slice(), owner: b.owner.slice() });
    copy.violations.push(...this.violations);
    copy.liveTables.splice(0, copy.liveTables.length, ...this.liveTables);
    for (const [pfn, words] of this.contents) copy.contents.set(pfn, words.slice());
    for (const [pfn, depth] of this.depthOf) copy.depthOf.set(pfn, depth);
    return copy;
  }

  /** Makes [base, base + size) present; it must be page-aligned and overlap nothing present. */
  addBlock(kind: MemBlock['kind'], base: number, size: number): MemBlock {
    const page = this.geo.pageSize;
    if (size <= 0 || base % page !== 0 || size % page !== 0 || base + size > 2 ** this.geo.paBits) {
      throw new RangeRuleError('physical memory is page-aligned, non-empty and within the physical address bits', {
        base: physHex(base),
        size,
        paBits: this.geo.paBits,
      });
    }
    // Physical memory alone knows no trace: its own guard is the larger, untraced limit; the kernel
    // checks the limit of its trace setting before it adds a block.
    this.checkRoom(size, false);
    const clash = this.blocks.find((b) => base < b.base + b.size && b.base < base + size);
    if (clash) {
      throw new RangeRuleError('physical memory ranges must not overlap present memory', {
        base: physHex(base),
        size,
        present: physHex(clash.base),
      });
    }
    const pages = size / page;
    const block: MemBlock = {
      kind,
      base,
      size,
      firstPfn: base / page,
      pages,
      state: new Uint8Array(pages),
      owner: new Uint8Array(pages),
    };
    this.blocks.push(block);
    this.blocks.sort((a, b) => a.base - b.base);
    return block;
  }

  /** Refuses a block of this many bytes if the model could not hold it beside what is present. */
  checkRoom(size: number, traced: boolean): void {
    checkRoom(
      this.geo,
      this.blocks.reduce((sum, b) => sum + b.pages, 0),
      size,
      traced,
    );
  }

  /** Removes a present block that starts at base and has exactly that size. */
  removeBlock(base: number, size: number): void {
    const at = this.blocks.findIndex((b) => b.base === base && b.size === size);
    if (at < 0) throw new RangeRuleError('only a whole present block can be removed', { base: physHex(base), size });
    if (this.last === this.blocks[at]) this.last = undefined;
    this.blocks.splice(at, 1);
  }

  /** The present block holding a page frame, if any. */
  blockOf(pfn: number): MemBlock | undefined {
    const last = this.last;
    if (last && pfn >= last.firstPfn && pfn < last.firstPfn + last.pages) return last;
    const found = this.blocks.find((b) => pfn >= b.firstPfn && pfn < b.firstPfn + b.pages);
    if (found) this.last = found;
    return found;
  }

  state(pfn: number): PageState | undefined {
    const b = this.blockOf(pfn);
    return b ? (b.state[pfn - b.firstPfn] as PageState) : undefined;
  }

  owner(pfn: number): Owner | undefined {
    const b = this.blockOf(pfn);
    return b ? (b.owner[pfn - b.firstPfn] as Owner) : undefined;
  }

  setPages(pfn: number, count: number, state: PageState, owner: Owner): void {
    const b = this.blockOf(pfn);
    if (!b || pfn + count > b.firstPfn + b.pages) {
      throw new RangeRuleError('pages must lie in one present block', { pfn, count });
    }
    b.state.fill(state, pfn - b.firstPfn, pfn - b.firstPfn + count);
    b.owner.fill(owner, pfn - b.firstPfn, pfn - b.firstPfn + count);
  }

  /** Gives a page zeroed table contents and counts it as a live table of a depth. */
  makeTable(pfn: number, depth: number): Uint32Array {
    const words = this.freshTableWords();
    this.contents.set(pfn, words);
    this.depthOf.set(pfn, depth);
    this.liveTables[depth] = (this.liveTables[depth] ?? 0) + 1;
    return words;
  }

  /**
   * Zeroed descriptor storage for one table page, cut from 1 MiB slabs: one granule per table and no
   * buffer of its own, so a million table pages cost their granules and little more.
   */
  private freshTableWords(): Uint32Array {
    const bytes = this.geo.pageSize;
    if (!this.slab || this.slabUsed + bytes > this.slab.byteLength) {
      this.slab = new ArrayBuffer(SLAB_BYTES);
      this.slabUsed = 0;
    }
    const words = new Uint32Array(this.slab, this.slabUsed, bytes / 4);
    this.slabUsed += bytes;
    return words;
  }

  /** Poisons a freed table page (its contents stay readable, as freed memory is) and uncounts it. */
  poisonTable(pfn: number): void {
    const words = this.contents.get(pfn);
    const depth = this.depthOf.get(pfn);
    if (!words || depth === undefined) return;
    words.fill(POISON_WORD);
    this.depthOf.delete(pfn);
    this.liveTables[depth] = (this.liveTables[depth] ?? 0) - 1;
  }

  /** Depth of a live table page, or undefined if the page holds no live table. */
  tableDepth(pfn: number): number | undefined {
    return this.depthOf.get(pfn);
  }

  /**
   * The descriptors of a table page, as the accessor reads them through a pointer it holds. Reading a
   * page that is not in use (freed, or never a table) is recorded as a violation naming page and accessor.
   */
  table(pfn: number, accessor: string): Uint32Array {
    const words = this.contents.get(pfn);
    const state = this.state(pfn);
    if (words && (state === PageState.InUse || state === PageState.Reserved)) return words;
    this.report(pfn, accessor, state);
    return words ?? new Uint32Array(this.geo.ptrsPerTable * 2).fill(POISON_WORD);
  }

  /** Whether the page is a live table a walker may read without a violation. */
  isLiveTable(pfn: number): boolean {
    return this.depthOf.has(pfn);
  }

  /** Drops the contents of a page handed out again for another use. */
  forget(pfn: number): void {
    this.contents.delete(pfn);
  }

  private report(pfn: number, accessor: string, state: PageState | undefined): void {
    const pa = physHex(pfn * this.geo.pageSize);
    if (state === undefined) {
      this.violations.push({
        kind: 'absent-page',
        pfn,
        accessor,
        detail: `${accessor} read page ${pa}, which is not present memory`,
      });
    } else {
      this.violations.push({
        kind: 'use-after-free',
        pfn,
        accessor,
        detail: `${accessor} read page ${pa} through a stale pointer after it was freed`,
      });
    }
  }

  /** Records a free of a page that is not in use. */
  reportDoubleFree(pfn: number, accessor: string): void {
    this.violations.push({
      kind: 'double-free',
      pfn,
      accessor,
      detail: `${accessor} freed page ${physHex(pfn * this.geo.pageSize)}, which was not in use`,
    });
  }
}
