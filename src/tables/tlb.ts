import { type Kva, kvaHex, physHex } from '../arch/address';
import type { Geometry } from '../arch/geometry';
import type { PhysMem } from '../memory/physmem';

/** A cached pointer or translation, for reports. */
export interface CachedEntry {
  readonly kind: 'leaf' | 'walk';
  /** Depth of the entry it was read from (0 = PGD). */
  readonly depth: number;
  /** First address the cached entry covers. */
  readonly va: Kva;
  /** For walk entries: the page frame of the table pointed at; for leaves: the output address. */
  readonly target: number;
}

/**
 * The TLB and the walk cache of the model's CPU. Hardware walks fill both: leaves (page or block
 * translations) and intermediate table pointers. Last-level invalidation (TLBI VAALE1IS) drops only
 * leaves; invalidation of all levels (TLBI VAAE1IS) drops the cached table pointers too — which is why
 * hot-remove must do the latter between clearing a parent entry and freeing the table page.
 */
export class Tlb {
  /** By depth: entry number (kva / entrySize) → output address of the page or block. */
  private readonly leaves: Map<number, number>[];
  /** By depth: entry number at that depth → page frame of the table it points to. */
  private readonly walks: Map<number, number>[];

  constructor(
    private readonly geo: Geometry,
    private readonly mem: PhysMem,
  ) {
    this.leaves = geo.levels.map(() => new Map());
    this.walks = geo.levels.map(() => new Map());
  }

  /** A copy for a cloned kernel. */
  clone(mem: PhysMem): Tlb {
    const copy = new Tlb(this.geo, mem);
    this.leaves.forEach((m, d) => {
      for (const [k, v] of m) copy.leaves[d]?.set(k, v);
    });
    this.walks.forEach((m, d) => {
      for (const [k, v] of m) copy.walks[d]?.set(k, v);
    });
    return copy;
  }

  get size(): number {
    return [...this.leaves, ...this.walks].reduce((n, m) => n + m.size, 0);
  }

  fillLeaf(depth: number, kva: Kva, pa: number): void {
    const level = this.geo.levels[depth];
    if (level) this.leaves[depth]?.set(Math.floor(kva / level.entrySize), pa);
  }

  fillWalk(depth: number, kva: Kva, table: number): void {
    const level = this.geo.levels[depth];
    if (level) this.walks[depth]?.set(Math.floor(kva / level.entrySize), table);
  }

  /** The output address of a cached leaf covering kva, if any. */
  lookupLeaf(kva: Kva): number | undefined {
    for (let d = this.geo.levels.length - 1; d >= 0; d--) {
      const level = this.geo.levels[d];
      const map = this.leaves[d];
      if (!level || !map || map.size === 0) continue;
      const base = map.get(Math.floor(kva / level.entrySize));
      if (base !== undefined) return base + (kva % level.entrySize);
    }
    return undefined;
  }

  /** The deepest cached table pointer on kva's walk: the depth of the table it names, and its page. */
  deepestWalk(kva: Kva): { depth: number; table: number } | undefined {
    for (let d = this.geo.levels.length - 2; d >= 0; d--) {
      const level = this.geo.levels[d];
      const table = level ? this.walks[d]?.get(Math.floor(kva / level.entrySize)) : undefined;
      if (table !== undefined) return { depth: d + 1, table };
    }
    return undefined;
  }

  /** Whether any leaf translation is cached (an invalidation of an empty TLB changes nothing). */
  hasLeaves(): boolean {
    return this.leaves.some((m) => m.size > 0);
  }

  /** TLBI VAALE1IS: drop leaves covering kva. */
  invalidateLeaf(kva: Kva): void {
    for (let d = 0; d < this.leaves.length; d++) {
      const map = this.leaves[d] as Map<number, number>;
      if (map.size > 0) map.delete(Math.floor(kva / (this.geo.levels[d] as { entrySize: number }).entrySize));
    }
  }

  /** TLBI VAAE1IS: drop leaves and cached table pointers covering kva. */
  invalidateWalk(kva: Kva): void {
    this.invalidateLeaf(kva);
    this.geo.levels.forEach((level, d) => {
      const map = this.walks[d];
      if (map && map.size > 0) map.delete(Math.floor(kva / level.entrySize));
    });
  }

  invalidateAll(): void {
    for (const m of [...this.leaves, ...this.walks]) m.clear();
  }

  /** Cached table pointers naming a page that no longer holds a live table. */
  staleWalks(): CachedEntry[] {
    const out: CachedEntry[] = [];
    this.geo.levels.forEach((level, d) => {
      for (const [n, table] of this.walks[d] ?? []) {
        if (!this.mem.isLiveTable(table)) out.push({ kind: 'walk', depth: d, va: n * level.entrySize, target: table });
      }
    });
    return out;
  }

  /** One line per cached entry, for reports. */
  describe(entry: CachedEntry): string {
    const where = `${this.geo.levels[entry.depth]?.name}[${kvaHex(this.geo, entry.va)}]`;
    return entry.kind === 'walk'
      ? `${where} → table ${physHex(entry.target * this.geo.pageSize)}`
      : `${where} → ${physHex(entry.target)}`;
  }
}
