import { expect } from 'vitest';
import type { Kva } from '../../src/arch/address';
import { geometry } from '../../src/arch/geometry';
import { Kernel, type KernelOptions } from '../../src/mappings/kernel';
import { PageAllocator } from '../../src/memory/allocator';
import { Owner } from '../../src/memory/page';
import { PhysMem } from '../../src/memory/physmem';
import { PageTables } from '../../src/tables/page-tables';

export const MiB = 2 ** 20;
export const GiB = 2 ** 30;

/**
 * Boot options of the small kernels the unit tests build: 128 MiB of boot memory, a block-mapped
 * linear map (rodata=off, so boot writes few PTEs) and no vmalloc areas besides the kernel image:
 * cheap enough to boot one per property run.
 */
const SMALL_BOOT: Omit<KernelOptions, 'config'> = { bootSize: 128 * MiB, rodataFull: false, vmallocAreas: [] };

/** A freshly booted small kernel (see SMALL_BOOT); options override the defaults. */
export function smallKernel(config: string, options: Omit<KernelOptions, 'config'> = {}): Kernel {
  return new Kernel({ config, ...SMALL_BOOT, ...options });
}

const pristine = new Map<string, Kernel>();

/**
 * A copy (Kernel.clone) of a small kernel booted once per configuration and test file: as fresh as
 * smallKernel, at a tenth of the cost, so property runs can each have their own kernel. It keeps
 * counts of events, not the events themselves (a test that reads events boots its own kernel).
 */
export function freshKernel(config: string, options: Omit<KernelOptions, 'config'> = {}): Kernel {
  const key = `${config} ${JSON.stringify(options)}`;
  let k = pristine.get(key);
  if (!k) {
    k = smallKernel(config, { trace: false, ...options });
    pristine.set(key, k);
  }
  return k.clone();
}

const shared = new Map<string, Kernel>();

/**
 * One small kernel per configuration for a whole test file (test files share modules, so the cache is
 * keyed by the file too), for tests that refuse bad inputs, only read, or make changes no later test
 * of the file depends on. It keeps counts of events, not the events, which would pile up over a file.
 */
export function sharedKernel(config: string): Kernel {
  const key = `${expect.getState().testPath}:${config}`;
  const known = shared.get(key);
  if (known) return known;
  // A clone of the booted kernel: it shares every array with the original it outlives, so a snapshot
  // digests each one once (snapshot keeps the digest of what no one writes any more), not on every call.
  const k = smallKernel(config, { trace: false }).clone();
  shared.set(key, k);
  return k;
}

/** Physical base of the pool behind fresh page tables (above any boot memory the tests use). */
const FRESH_POOL_BASE = 0x1_0000_0000;

/**
 * Page tables without a kernel: physical memory holding only a page pool, its allocator and an empty
 * PGD allocated from it. Trace recording is off, as in the hot loops of a benchmark.
 */
export function freshTables(config: string, poolBytes = 64 * MiB): PageTables {
  const geo = geometry(config);
  const mem = new PhysMem(geo);
  const block = mem.addBlock('boot', FRESH_POOL_BASE, poolBytes);
  const alloc = new PageAllocator(mem, block.firstPfn, block.firstPfn + block.pages);
  const pgd = alloc.alloc(0, Owner.PageTable);
  mem.makeTable(pgd, 0);
  const pt = new PageTables(geo, mem, alloc, pgd);
  pt.trace.recording = false;
  return pt;
}

/** Rounds up to a multiple of a power-of-two unit (exact for model addresses below 2^53). */
export function alignUp(value: number, unit: number): number {
  return Math.ceil(value / unit) * unit;
}

/** The free parts of a small kernel's VA space where a test may map: above boot memory, above the image. */
export function freeRegions(k: Kernel): { name: string; start: Kva; end: Kva }[] {
  const boot = k.mem.blocks.find((b) => b.kind === 'boot');
  const bootEnd = boot ? boot.base + boot.size : k.physOffset;
  const top = k.vmalloc.areas.reduce((end, a) => Math.max(end, a.start + a.size), k.layout.vmallocStart);
  return [
    { name: 'linear map', start: k.linearVa(bootEnd), end: k.layout.pageEnd },
    { name: 'vmalloc', start: top + k.geo.pageSize, end: k.layout.vmallocEnd },
  ];
}
