import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, it } from 'vitest';
import { geometry } from '../../src/arch/geometry';
import { MappingConflictError } from '../../src/errors';
import { createPgdMapping } from '../../src/mappings/create-mapping';
import { snapshot } from '../../src/mappings/snapshot';
import { assertEveryConfig } from '../support/assert';
import { place, placementArb } from '../support/placement';
import { configArb, mappingUnits, rangeShapeArb } from '../support/ranges';
import { refusal } from '../support/refusal';

const overlapArb = configArb.chain((config) => {
  const geo = geometry(config);
  return fc.tuple(
    fc.constant(config),
    rangeShapeArb(geo, { cheap: true }),
    placementArb,
    rangeShapeArb(geo, { cheap: true }),
    fc.nat(),
    fc.nat(),
    fc.integer({ min: 1, max: 3 }),
  );
});

describe('a mapping never replaces a different live leaf', () => {
  it('refuses an overlapping mapping to other phys with a MappingConflictError and changes nothing', () => {
    assertEveryConfig(overlapArb, ([config, shapeA, at, shapeB, pick, back, shift]) => {
      const { k, req: a } = place(config, shapeA, at);
      const page = k.geo.pageSize;
      createPgdMapping(k.pt, a);
      const inA = pick % (a.size / page);
      const virt = a.virt + (inA - (back % Math.min(shapeB.size / page, inA + 1))) * page;
      const top = mappingUnits(k.geo).at(-1) as number;
      const phys = a.phys + (virt - a.virt) + shift * top + shapeB.skew;
      const b = { ...a, virt, phys, size: shapeB.size, flags: shapeB.flags };
      const before = snapshot(k);
      const error = refusal(() => createPgdMapping(k.pt, b));
      assert.ok(error instanceof MappingConflictError, String(error));
      assert.match(error.message, /kernel BUG.*level=P[GUMT][DE], va=0x[0-9a-f]{16}, entry=0x[0-9a-f]{16}/);
      assert.equal(snapshot(k), before);
    });
  });
});
