import { fc } from '@fast-check/vitest';
import { PAGE_KERNEL, type Prot } from '../../src/arch/descriptor';
import type { MappingRequest } from '../../src/mappings/create-mapping';
import type { Kernel } from '../../src/mappings/kernel';
import { alignUp, freeRegions, smallKernel } from './kernels';
import { mappingUnits, type RangeShape, shapeSpan } from './ranges';

/** Where a shape lands: which free region of the kernel (linear map or vmalloc), which physical window. */
export interface Placement {
  readonly region: number;
  readonly physSlot: number;
}

export const placementArb: fc.Arbitrary<Placement> = fc.record({ region: fc.nat({ max: 1 }), physSlot: fc.nat() });

/** Windows one booted kernel hands out before a fresh one is booted (keeps its tables, and snapshots, small). */
const WINDOWS_PER_KERNEL = 8;

interface Landlord {
  readonly kernel: Kernel;
  /** Windows handed out so far, per free region. */
  readonly used: number[];
}

const landlords = new Map<string, Landlord>();

/** The start of the next unused window of a region, or undefined when the region or the kernel is full. */
function nextWindow(l: Landlord, region: number): number | undefined {
  const k = l.kernel;
  const span = shapeSpan(k.geo);
  const free = freeRegions(k)[region] as { start: number; end: number };
  const used = l.used[region] ?? 0;
  const window = alignUp(free.start, mappingUnits(k.geo).at(-1) as number) + used * span;
  const total = l.used.reduce((a, b) => a + b, 0);
  return window + span <= free.end && total < WINDOWS_PER_KERNEL ? window : undefined;
}

/**
 * A window no earlier run has touched, in a free region of a small kernel shared by the runs of a test
 * file: aligned to the largest mapping unit and above everything boot mapped there, so it holds no
 * entry at any level where a leaf could go. Runs in other windows share only upper-level tables.
 */
function rentWindow(config: string, region: number): { k: Kernel; window: number } {
  let l = landlords.get(config);
  let window = l && nextWindow(l, region);
  if (!l || window === undefined) {
    l = { kernel: smallKernel(config), used: [0, 0] };
    landlords.set(config, l);
    window = nextWindow(l, region) as number;
  }
  l.used[region] = (l.used[region] ?? 0) + 1;
  return { k: l.kernel, window };
}

/** A kernel and the request a shape makes in a fresh window of it (see rentWindow). */
export function place(config: string, shape: RangeShape, at: Placement, prot: Prot = PAGE_KERNEL) {
  const { k, window } = rentWindow(config, at.region);
  const unit = mappingUnits(k.geo).at(-1) as number;
  const physSlots = Math.floor((2 ** k.geo.paBits - 2 * shapeSpan(k.geo)) / unit);
  const physWindow = (at.physSlot % physSlots) * unit;
  const req: MappingRequest = {
    virt: window + shape.offset,
    size: shape.size,
    phys: physWindow + shape.offset + shape.skew,
    prot,
    flags: shape.flags,
    actor: 'test',
  };
  return { k, req };
}
