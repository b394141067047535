import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, it } from 'vitest';
import { PAGE_KERNEL } from '../../src/arch/descriptor';
import { geometry } from '../../src/arch/geometry';
import { createPgdMapping, type MappingRequest } from '../../src/mappings/create-mapping';
import { assertEveryConfig } from '../support/assert';
import { freshTables } from '../support/kernels';
import { forEachLeaf, leafMismatches } from '../support/leaves';
import { configArb, mappingUnits, type RangeShape, RUNS, rangeShapeArb } from '../support/ranges';

/** A request of a shape in empty tables: VA in a window above PAGE_OFFSET, phys four windows higher. */
function inEmptyTables(config: string, shape: RangeShape, slot: number): MappingRequest {
  const unit = mappingUnits(geometry(config)).at(-1) as number;
  const virt = (1 + slot) * unit + shape.offset;
  return {
    virt,
    size: shape.size,
    phys: virt + 4 * unit + shape.skew,
    prot: PAGE_KERNEL,
    flags: shape.flags,
    actor: 'test',
  };
}

const shapeArb = configArb.chain((config) =>
  fc.tuple(fc.constant(config), rangeShapeArb(geometry(config)), fc.nat({ max: 3 })),
);

describe('block and contiguous choices follow alignment and flags', () => {
  it(`every leaf has the level and CONT bit the kernel's rules predict (${RUNS} runs, trace recording off)`, () => {
    assertEveryConfig(shapeArb, ([config, shape, slot]) => {
      const pt = freshTables(config);
      const req = inEmptyTables(config, shape, slot);
      createPgdMapping(pt, req);
      assert.deepEqual(leafMismatches(pt, req), []);
      let leaves = 0;
      forEachLeaf(pt, req.virt, req.virt + req.size, () => leaves++);
      assert.equal(pt.trace.counts.write, leaves);
    });
  });
});
