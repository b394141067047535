import * as fc from 'fast-check';
import { PAGE_KERNEL, type Prot } from '../../src/arch/descriptor';
import type { MappingRequest } from '../../src/mappings/create-mapping';
import type { Kernel } from '../../src/mappings/kernel';
import { alignUp, freeRegions, freshKernel } from './kernels';
import { mappingUnits, type RangeShape, shapeSpan } from './ranges';

/** Where a shape lands: which free region (linear map or vmalloc), which window in it, which physical window. */
export interface Placement {
  readonly region: number;
  readonly windowSlot: number;
  readonly physSlot: number;
}

export const placementArb: fc.Arbitrary<Placement> = fc.record({
  region: fc.nat({ max: 1 }),
  windowSlot: fc.nat({ max: 3 }),
  physSlot: fc.nat(),
});

/**
 * A fresh small kernel and the request a shape makes in it: the VA window lies in a free region,
 * aligned to the largest mapping unit above everything boot mapped there, so it holds no entry at any
 * level where a leaf could go.
 */
export function place(config: string, shape: RangeShape, at: Placement, prot: Prot = PAGE_KERNEL) {
  const k: Kernel = freshKernel(config);
  const unit = mappingUnits(k.geo).at(-1) as number;
  const free = freeRegions(k)[at.region] as { start: number; end: number };
  const window = alignUp(free.start, unit) + at.windowSlot * unit;
  if (window + shapeSpan(k.geo) > free.end) throw new Error(`no room for a shape in a ${k.geo.name} free region`);
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
