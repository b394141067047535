import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, it } from 'vitest';
import { kvaHex, physHex, toKva } from '../../src/arch/address';
import { PAGE_KERNEL } from '../../src/arch/descriptor';
import { geometry } from '../../src/arch/geometry';
import { AddressError, RangeRuleError } from '../../src/errors';
import { createPgdMapping, type MappingRequest } from '../../src/mappings/create-mapping';
import type { Kernel } from '../../src/mappings/kernel';
import { snapshot } from '../../src/mappings/snapshot';
import { translate, walk } from '../../src/tables/walker';
import { assertEveryConfig } from '../support/assert';
import { sharedKernel } from '../support/kernels';
import { leafMismatches } from '../support/leaves';
import { place, placementArb } from '../support/placement';
import { configArb, flagsArb, RUNS, rangeShapeArb } from '../support/ranges';
import { refusal } from '../support/refusal';

/** Addresses the mapping must not change: around the range, boot mappings, and arbitrary ones. */
function outsideSamples(k: Kernel, req: MappingRequest, anywhere: readonly number[]): number[] {
  const end = req.virt + req.size;
  const boot = k.mem.blocks[0];
  const known = [req.virt - 1, end, end + k.geo.pageSize - 1, k.image.va, k.image.va + 12345];
  const booted = boot ? [k.linearVa(boot.base), k.vmemmapVa(boot.firstPfn)] : [];
  const random = anywhere.map((x) => x % 2 ** k.geo.vaBits);
  return [...known, ...booted, ...random].filter((x) => x >= 0 && (x < req.virt || x >= end));
}

const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

const roundTripArb = configArb.chain((config) =>
  fc.tuple(
    fc.constant(config),
    rangeShapeArb(geometry(config)),
    placementArb,
    fc.array(fc.nat(), { minLength: 2, maxLength: 6 }),
    fc.array(fraction, { minLength: 2, maxLength: 6 }),
  ),
);

describe('__create_pgd_mapping then a walk gives phys + offset', () => {
  it(`in a free part of the linear map or vmalloc space of a booted kernel (${RUNS} runs, every configuration)`, () => {
    assertEveryConfig(roundTripArb, ([config, shape, at, anywhere, inside]) => {
      const { k, req } = place(config, shape, at);
      const outside = outsideSamples(k, req, anywhere);
      const before = outside.map((x) => translate(k.pt, x));
      createPgdMapping(k.pt, req);
      const offsets = [0, req.size - 1, ...inside.map((f) => Math.floor(f * req.size))];
      const expected = offsets.map((off) => [req.phys + off, req.phys + off]);
      assert.deepEqual(
        offsets.map((off) => [translate(k.pt, req.virt + off), walk(k.pt, req.virt + off).pa]),
        expected,
      );
      assert.deepEqual(
        outside.map((x) => translate(k.pt, x)),
        before,
      );
      assert.deepEqual(leafMismatches(k.pt, req), []);
      assert.deepEqual(k.mem.violations, []);
    });
  });
});

/** A request that breaks page alignment in virt, size or phys by a non-zero number of bytes. */
const unalignedArb = configArb.chain((config) => {
  const page = geometry(config).pageSize;
  const pages = fc.integer({ min: 1, max: 64 }).map((n) => n * page);
  const off = fc.integer({ min: 1, max: page - 1 });
  return fc.tuple(fc.constant(config), fc.constantFrom('virt', 'size', 'phys'), pages, off, flagsArb);
});

describe('a mapping request the model refuses leaves the kernel as it was', () => {
  it(`refuses an unaligned address, size or phys with a RangeRuleError naming them (${RUNS} runs)`, () => {
    const before = new Map<string, string>();
    assertEveryConfig(unalignedArb, ([config, which, size, off, flags]) => {
      const k = sharedKernel(config);
      if (!before.has(config)) before.set(config, snapshot(k));
      const base = {
        virt: k.linearVa(8 * 2 ** 30),
        size,
        phys: 8 * 2 ** 30,
        prot: PAGE_KERNEL,
        flags,
        actor: 'test',
      };
      const req = { ...base, [which]: base[which as 'virt' | 'size' | 'phys'] + off };
      const error = refusal(() => createPgdMapping(k.pt, req));
      assert.ok(error instanceof RangeRuleError, String(error));
      assert.ok(error.message.includes('page-aligned'), String(error.message));
      assert.ok(error.message.includes(`virt=${kvaHex(k.geo, req.virt)}`), String(error.message));
      assert.ok(error.message.includes(`size=${req.size}`), String(error.message));
      assert.ok(error.message.includes(`phys=${physHex(req.phys)}`), String(error.message));
      assert.equal(snapshot(k), before.get(config));
    });
  });

  it.each(['4K/48', '16K/36', '64K/52'])(
    '%s: refuses an empty range, one outside the TTBR1 half, and a physical range past the address bits',
    (config) => {
      const k = sharedKernel(config);
      const before = snapshot(k);
      const top = 2 ** k.geo.vaBits;
      const req = {
        virt: top - k.geo.pageSize,
        size: 2 * k.geo.pageSize,
        phys: 0,
        prot: PAGE_KERNEL,
        flags: 0,
        actor: 'test',
      };
      assert.throws(() => createPgdMapping(k.pt, req), /lie inside the TTBR1 half.*virt=0xffff/);
      assert.throws(() => createPgdMapping(k.pt, { ...req, size: 0 }), RangeRuleError);
      assert.throws(
        () => createPgdMapping(k.pt, { ...req, virt: -k.geo.pageSize, size: k.geo.pageSize }),
        /lie inside the TTBR1 half/,
      );
      assert.throws(
        () => createPgdMapping(k.pt, { ...req, virt: 0, size: k.geo.pageSize, phys: 2 ** k.geo.paBits }),
        /fit the physical address bits.*paBits=/,
      );
      assert.equal(snapshot(k), before);
    },
  );

  it('cannot even name an address below the TTBR1 half: toKva refuses it with an AddressError', () => {
    const k = sharedKernel('4K/48');
    assert.throws(() => toKva(k.geo, 0x0000_8000_0000_0000n), AddressError);
    assert.throws(() => toKva(k.geo, 0xfffe_ffff_ffff_f000n), /TTBR1 half.*address=0xfffefffffffff000, config=4K\/48/);
  });
});
