import type { Kva } from '../arch/address';
import { PAGE_KERNEL, PAGE_KERNEL_ROX } from '../arch/descriptor';
import { era } from '../arch/era';
import { type Geometry, geometry } from '../arch/geometry';
import { type Layout, layout } from '../arch/layout';
import { formatSize } from '../arch/size';
import { RangeRuleError } from '../errors';
import { PageAllocator } from '../memory/allocator';
import type { Altmap } from '../memory/altmap';
import { Owner, PageState } from '../memory/page';
import { checkRoom, PhysMem } from '../memory/physmem';
import { PageTables } from '../tables/page-tables';
import { createPgdMapping, NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS } from './create-mapping';
import { installFixmap } from './fixmap';
import { VmallocSpace } from './vmalloc';
import { vmemmapPopulate } from './vmemmap';

export interface KernelOptions {
  /** Configuration such as `4K/48`. */
  readonly config: string;
  readonly kasan?: boolean;
  /** The kernel the model stands for: `v5.7` (default), `v6.1` or `v6.12`. */
  readonly era?: string;
  /** The CPU offers 52-bit VA (LPA2, or LVA with 64K pages); default yes. Only 52-bit configurations may say no. */
  readonly lpa2?: boolean;
  /** Boot memory: base and size in bytes (default 2 GiB at 0x40000000, as on QEMU's virt machine). */
  readonly bootBase?: number;
  readonly bootSize?: number;
  /** rodata_full (v5.7 default on): the linear map is page-mapped, no blocks and no CONT runs. */
  readonly rodataFull?: boolean;
  readonly debugPagealloc?: boolean;
  /** vmalloc areas created after boot, sizes in bytes (default three small ones). */
  readonly vmallocAreas?: readonly number[];
  /**
   * memstart_addr (PHYS_OFFSET); default: boot memory's base rounded down to 1 GiB. Set lower, the
   * sections below boot memory are hot-pluggable DRAM.
   */
  readonly physOffset?: number;
  /**
   * A constructed state, not one the kernel boots into: boot memory is present and serves the
   * allocator, but nothing is mapped — no kernel image, fixmap, linear map or vmemmap of boot memory,
   * no vmalloc areas. Only what the scenario adds exists, so no boot structure pins a table.
   */
  readonly bare?: boolean;
  /** Record every event from boot on (default); off, the trace keeps only counts per operation. */
  readonly trace?: boolean;
}

/** The kernel a scenario boots: a configuration name (in v5.7), or a configuration with its era and CPU. */
export type Machine = string | Pick<KernelOptions, 'config' | 'era' | 'lpa2'>;

/** The boot options a machine stands for. */
export function machineOptions(machine: Machine): Pick<KernelOptions, 'config' | 'era' | 'lpa2'> {
  return typeof machine === 'string' ? { config: machine } : machine;
}

/** Size of the model's kernel image: text and data segments of 16 MiB each. */
const IMAGE_SEGMENT = 16 * 2 ** 20;
const SZ_2M = 2 * 2 ** 20;

/**
 * Where the image is loaded: the era's TEXT_OFFSET (v5.7: 512 KiB, arch/arm64/Makefile; 0 from v5.8)
 * above the first 2 MiB boundary of boot memory. It is linked at KIMAGE_VADDR + TEXT_OFFSET
 * (vmlinux.lds.S), so VA and PA agree modulo 2 MiB.
 */
const imagePhys = (geo: Geometry, bootBase: number): number =>
  Math.ceil(bootBase / SZ_2M) * SZ_2M + era(geo.era).textOffset;

/** The geometry of the options: configuration, era and whether the CPU offers 52-bit VA. */
const geometryOf = (options: KernelOptions): Geometry =>
  geometry(options.config, { era: options.era, lpa2: options.lpa2 });

/** Boot memory and PHYS_OFFSET, defaults applied. */
function bootMemory(options: KernelOptions): { bootBase: number; bootSize: number; physOffset: number } {
  const bootBase = options.bootBase ?? 0x4000_0000;
  const bootSize = options.bootSize ?? 2 * 2 ** 30;
  return { bootBase, bootSize, physOffset: options.physOffset ?? Math.floor(bootBase / 2 ** 30) * 2 ** 30 };
}

/**
 * Refuses options the model cannot boot with, as the constructor would before building anything: an
 * unknown configuration or era, and boot memory it cannot hold or boot from.
 */
export function checkKernelOptions(options: KernelOptions): void {
  const geo = geometryOf(options);
  const { bootBase, bootSize, physOffset } = bootMemory(options);
  checkBootMemory(geo, layout(geo, { kasan: options.kasan }), physOffset, bootBase, bootSize);
  checkRoom(geo, 0, bootSize, options.trace ?? true);
}

/**
 * Boot memory the model can boot from, refused before anything is built: it holds the kernel image
 * at its offset, and it lies inside the linear map's reach from PHYS_OFFSET (arm64_memblock_init
 * removes memory beyond memstart_addr + the linear region's size; the model refuses it instead).
 */
function checkBootMemory(geo: Geometry, lay: Layout, physOffset: number, base: number, size: number): void {
  const least = imagePhys(geo, base) - base + 2 * IMAGE_SEGMENT;
  if (!(size >= least)) {
    throw new RangeRuleError('boot memory holds the kernel image', {
      bootSize: formatSize(size),
      least: formatSize(least),
    });
  }
  const reach = lay.pageEnd - lay.pageOffset;
  if (base + size > physOffset + reach) {
    throw new RangeRuleError('boot memory lies inside the linear map’s reach (arm64_memblock_init)', {
      bootSize: formatSize(size),
      largest: formatSize(physOffset + reach - base),
      config: geo.name,
    });
  }
}

/** A present memory section (SECTION_SIZE_BITS of the era: 30 in v5.7, 27 or 29 from v5.12). */
export interface Section {
  readonly nr: number;
  readonly boot: boolean;
}

/**
 * The model's kernel: geometry, layout, physical memory, the page allocator and init_mm's page
 * tables, with the state the mapping builders and memory hotplug share.
 */
export class Kernel {
  readonly geo: Geometry;
  readonly layout: Layout;
  readonly mem: PhysMem;
  readonly alloc: PageAllocator;
  readonly pt: PageTables;
  /** memstart_addr (PHYS_OFFSET): boot memory's base rounded down to ARM64_MEMSTART_ALIGN (1 GiB). */
  readonly physOffset: number;
  readonly rodataFull: boolean;
  readonly debugPagealloc: boolean;
  readonly vmalloc: VmallocSpace;
  /** Present sections by number. */
  readonly sections = new Map<number, Section>();
  /** The altmap that backs a hot-added section's vmemmap, by section (one altmap per hot-add). */
  readonly altmaps = new Map<number, Altmap>();
  /** The kernel image's physical range and its VA, _text = KIMAGE_VADDR (MODULES_END) + TEXT_OFFSET. */
  readonly image: { readonly phys: number; readonly size: number; readonly va: Kva };

  constructor(options: KernelOptions) {
    this.geo = geometryOf(options);
    this.layout = layout(this.geo, { kasan: options.kasan });
    this.rodataFull = options.rodataFull ?? true;
    this.debugPagealloc = options.debugPagealloc ?? false;
    const { bootBase, bootSize, physOffset } = bootMemory(options);
    this.physOffset = physOffset;
    checkBootMemory(this.geo, this.layout, physOffset, bootBase, bootSize);
    checkRoom(this.geo, 0, bootSize, options.trace ?? true);
    this.mem = new PhysMem(this.geo);
    const boot = this.mem.addBlock('boot', bootBase, bootSize);
    const page = this.geo.pageSize;
    const textOffset = era(this.geo.era).textOffset;
    this.image = {
      phys: imagePhys(this.geo, bootBase),
      size: 2 * IMAGE_SEGMENT,
      va: this.layout.vmallocStart + textOffset,
    };
    const imageEnd = this.image.phys + this.image.size;
    // Below the image: memory the model leaves to the rest of the system; the image itself is reserved.
    this.mem.setPages(boot.firstPfn, (this.image.phys - bootBase) / page, PageState.InUse, Owner.System);
    this.mem.setPages(this.image.phys / page, this.image.size / page, PageState.Reserved, Owner.KernelImage);
    this.alloc = new PageAllocator(this.mem, imageEnd / page, (bootBase + bootSize) / page);
    const pgd = this.staticTable(0);
    this.pt = new PageTables(this.geo, this.mem, this.alloc, pgd);
    this.pt.trace.recording = options.trace ?? true;
    this.vmalloc = new VmallocSpace(this);
    this.pt.staticTables.add(pgd);
    if (options.bare) return;
    this.bootMappings(bootBase, bootSize);
    for (const size of options.vmallocAreas ?? [4 * page, 16 * page, page]) this.vmalloc.vmalloc(size, 'boot');
  }

  /**
   * An independent copy of the whole state (memory, allocator, tables, TLB, vmalloc, sections), so an
   * explorer can run many schedules from one booted state.
   */
  clone(): Kernel {
    const mem = this.mem.clone();
    const alloc = this.alloc.clone(mem);
    const altmaps = new Map<Altmap, Altmap>();
    for (const a of this.altmaps.values()) if (!altmaps.has(a)) altmaps.set(a, a.clone(mem));
    const copy: Kernel = Object.create(Kernel.prototype);
    Object.assign(copy, {
      ...this,
      mem,
      alloc,
      pt: this.pt.clone(mem, alloc),
      sections: new Map(this.sections),
      altmaps: new Map([...this.altmaps].map(([nr, a]) => [nr, altmaps.get(a)])),
    });
    Object.assign(copy, { vmalloc: this.vmalloc.clone(copy) });
    return copy;
  }

  /** Linear-map flags for memory: NO_BLOCK | NO_CONT when rodata_full or debug_pagealloc (map_mem, arch_add_memory). */
  get linearFlags(): number {
    return this.rodataFull || this.debugPagealloc ? NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS : 0;
  }

  /** The linear-map address of a physical address: (P − PHYS_OFFSET) | PAGE_OFFSET. */
  linearVa(pa: number): Kva {
    return this.layout.pageOffset + (pa - this.physOffset);
  }

  /** The vmemmap address of a pfn's struct page. */
  vmemmapVa(pfn: number): Kva {
    return this.layout.vmemmapStart + (pfn - this.physOffset / this.geo.pageSize) * this.geo.structPageSize;
  }

  /** Section number of a physical address. */
  sectionOf(pa: number): number {
    return Math.floor(pa / this.geo.sectionSize);
  }

  /** A table page inside the kernel image (swapper_pg_dir, bm_pud, bm_pmd, bm_pte). */
  staticTable(depth: number): number {
    const used = this.pt ? this.pt.staticTables.size : 0;
    const pfn = this.image.phys / this.geo.pageSize + this.image.size / this.geo.pageSize - 1 - used;
    this.mem.makeTable(pfn, depth);
    this.pt?.staticTables.add(pfn);
    return pfn;
  }

  /** paging_init + the boot-time vmemmap: everything allocated from memblock (reserved pages). */
  private bootMappings(bootBase: number, bootSize: number): void {
    this.alloc.memblock = true;
    const { phys, va } = this.image;
    createPgdMapping(this.pt, { phys, virt: va, size: IMAGE_SEGMENT, prot: PAGE_KERNEL_ROX, flags: 0, actor: 'boot' });
    createPgdMapping(this.pt, {
      phys: phys + IMAGE_SEGMENT,
      virt: va + IMAGE_SEGMENT,
      size: IMAGE_SEGMENT,
      prot: PAGE_KERNEL,
      flags: 0,
      actor: 'boot',
    });
    installFixmap(this);
    createPgdMapping(this.pt, {
      phys: bootBase,
      virt: this.linearVa(bootBase),
      size: bootSize,
      prot: PAGE_KERNEL,
      flags: this.linearFlags,
      actor: 'boot',
    });
    for (let pa = bootBase; pa < bootBase + bootSize; pa += this.geo.sectionSize) {
      const nr = this.sectionOf(pa);
      const start = this.vmemmapVa(pa / this.geo.pageSize);
      vmemmapPopulate(this, start, start + this.sectionVmemmapSize, undefined, 'boot');
      this.sections.set(nr, { nr, boot: true });
    }
    this.alloc.memblock = false;
    this.vmalloc.reserve(va, 2 * IMAGE_SEGMENT, 'kernel image');
  }

  /** Bytes of vmemmap one section needs: pages per section × sizeof(struct page). */
  get sectionVmemmapSize(): number {
    return (this.geo.sectionSize / this.geo.pageSize) * this.geo.structPageSize;
  }
}
