import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  AF,
  AP_RDONLY,
  ATTRINDX_SHIFT,
  HI_DBM,
  HI_PXN,
  HI_UXN,
  MemType,
  NG,
  PAGE_KERNEL,
  type Prot,
  SH_INNER,
} from '../../src/arch/descriptor';
import { geometry } from '../../src/arch/geometry';
import { MappingConflictError } from '../../src/errors';
import { createPgdMapping, NO_CONT_MAPPINGS } from '../../src/mappings/create-mapping';
import { snapshot } from '../../src/mappings/snapshot';
import { translate } from '../../src/tables/walker';
import { assertEveryConfig } from '../support/assert';
import { smallKernel } from '../support/kernels';
import { leavesIn } from '../support/leaves';
import { place, placementArb } from '../support/placement';
import { configArb, rangeShapeArb } from '../support/ranges';

/** The attribute bits pgattr_change_is_safe lets a live entry change: PXN, RDONLY, WRITE (DBM), and G → nG. */
interface PermissionChange {
  readonly rdonly: boolean;
  readonly pxn: boolean;
  readonly write: boolean;
  readonly nonGlobal: boolean;
}

const permissionChangeArb: fc.Arbitrary<PermissionChange> = fc.record({
  rdonly: fc.boolean(),
  pxn: fc.boolean(),
  write: fc.boolean(),
  nonGlobal: fc.boolean(),
});

function withPermissions(prot: Prot, c: PermissionChange): Prot {
  return {
    lo: (prot.lo ^ (c.rdonly ? AP_RDONLY : 0)) | (c.nonGlobal ? NG : 0),
    hi: prot.hi ^ (c.pxn ? HI_PXN : 0) ^ (c.write ? HI_DBM : 0),
  };
}

/** Changes no live entry may go through without break-before-make: memory type, UXN, AF, shareability. */
const unsafeChanges: Record<string, (p: Prot) => Prot> = {
  'memory type Normal → Normal-NC': (p) => ({
    ...p,
    lo: (p.lo & ~(7 << ATTRINDX_SHIFT)) | (MemType.NormalNC << ATTRINDX_SHIFT),
  }),
  'UXN cleared': (p) => ({ ...p, hi: p.hi & ~HI_UXN }),
  'AF cleared': (p) => ({ ...p, lo: p.lo & ~AF }),
  'non-shareable': (p) => ({ ...p, lo: p.lo & ~SH_INNER }),
};

const liveChangeArb = configArb.chain((config) =>
  fc.tuple(fc.constant(config), rangeShapeArb(geometry(config), { cheap: true }), placementArb, permissionChangeArb),
);

describe('a live entry may change only in its permission bits (pgattr_change_is_safe)', () => {
  it('accepts the same range and phys again with PXN, RDONLY, WRITE changed or nG set (no CONT runs)', () => {
    assertEveryConfig(liveChangeArb, ([config, shape, at, change]) => {
      const { k, req: first } = place(config, { ...shape, flags: shape.flags | NO_CONT_MAPPINGS }, at);
      createPgdMapping(k.pt, first);
      const old = leavesIn(k.pt, first.virt, first.virt + first.size);
      const prot = withPermissions(first.prot, change);
      createPgdMapping(k.pt, { ...first, prot });
      const now = leavesIn(k.pt, first.virt, first.virt + first.size);
      const flipLo = first.prot.lo ^ prot.lo;
      const flipHi = first.prot.hi ^ prot.hi;
      const expected = old.map((l) => `${l.va}:${(l.lo ^ flipLo) >>> 0}:${(l.hi ^ flipHi) >>> 0}`);
      assert.equal(now.map((l) => `${l.va}:${l.lo}:${l.hi}`).join(), expected.join());
      assert.equal(translate(k.pt, first.virt + first.size - 1), first.phys + first.size - 1);
    });
  });

  it.each(Object.keys(unsafeChanges))('refuses a live change of %s and changes nothing', (change) => {
    const k = smallKernel('4K/48');
    const req = {
      virt: k.linearVa(2 ** 33),
      size: 2 ** 21 + 2 ** 12,
      phys: 2 ** 33,
      prot: PAGE_KERNEL,
      flags: 0,
      actor: 'test',
    };
    createPgdMapping(k.pt, req);
    const before = snapshot(k);
    const prot = (unsafeChanges[change] as (p: Prot) => Prot)(PAGE_KERNEL);
    assert.throws(() => createPgdMapping(k.pt, { ...req, prot }), MappingConflictError);
    assert.equal(snapshot(k), before);
  });
});

// pgattr_change_is_safe's two rules beyond the permission mask: a live CONT entry may not be
// rewritten at all, and nG → G is unsafe.
describe('pgattr_change_is_safe: live CONT entries and nG → G', () => {
  it('refuses to rewrite a live contiguous run, even identically (kernel BUG)', () => {
    const k = smallKernel('4K/48');
    const req = { virt: k.linearVa(2 ** 33), size: 2 ** 16, phys: 2 ** 33, prot: PAGE_KERNEL, flags: 0, actor: 'test' };
    createPgdMapping(k.pt, req);
    const before = snapshot(k);
    assert.throws(() => createPgdMapping(k.pt, req), MappingConflictError);
    assert.equal(snapshot(k), before);
  });

  it('refuses a live change from non-global to global (kernel BUG)', () => {
    const k = smallKernel('4K/48');
    const nonGlobal = { lo: PAGE_KERNEL.lo | NG, hi: PAGE_KERNEL.hi };
    const req = { virt: k.linearVa(2 ** 33), size: 2 ** 12, phys: 2 ** 33, prot: nonGlobal, flags: 0, actor: 'test' };
    createPgdMapping(k.pt, req);
    assert.throws(() => createPgdMapping(k.pt, { ...req, prot: PAGE_KERNEL }), MappingConflictError);
  });
});
