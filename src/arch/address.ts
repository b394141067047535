import { AddressError } from '../errors';
import type { Geometry } from './geometry';

/*
 * Address representation — decided once, here.
 *
 * A kernel virtual address is a 64-bit value whose top (64 − VA_BITS) bits are all ones (the TTBR1
 * half). JS numbers hold integers exactly only up to 2^53, so the model stores a kernel VA as a plain
 * number `kva` = its offset from the bottom of the TTBR1 half: kva = va − (2^64 − 2^VA_BITS), in
 * [0, 2^VA_BITS]. With VA_BITS ≤ 52 every offset is an exact double, table indices are exact
 * divisions by powers of two, and the hot loops (16 Mi PTEs) never touch BigInt. The value 2^VA_BITS
 * stands for the wrapped end of the address space (u64 0), as an exclusive end.
 *
 * BigInt is used only at the edges: parsing and printing 64-bit hex, and the few decisions whose
 * kernel semantics are unsigned 64-bit arithmetic (pgtable_range_aligned, where ceiling 0 means
 * "top of the address space"). Physical addresses (≤ 52 bits) are plain numbers.
 */
export type Kva = number;

const U64 = 1n << 64n;

/** Bottom of the TTBR1 half as an unsigned 64-bit value: 2^64 − 2^VA_BITS. */
export function ttbr1Base(geo: Geometry): bigint {
  return U64 - (1n << BigInt(geo.vaBits));
}

const BASES = new Map<number, bigint>();

/** The model's representation of a 64-bit kernel VA; refuses addresses outside the TTBR1 half. */
export function toKva(geo: Geometry, va: bigint): Kva {
  const base = ttbr1Base(geo);
  if (va < base || va >= U64) {
    throw new AddressError('a kernel address must lie in the TTBR1 half (top bits all ones)', {
      address: hex64(va),
      config: geo.name,
      lowest: hex64(base),
    });
  }
  return Number(va - base);
}

/** The 64-bit kernel VA of a model address; the end of the address space wraps to 0. */
export function fromKva(geo: Geometry, kva: Kva): bigint {
  let base = BASES.get(geo.vaBits);
  if (base === undefined) {
    base = ttbr1Base(geo);
    BASES.set(geo.vaBits, base);
  }
  const va = base + BigInt(kva);
  return va >= U64 ? va - U64 : va;
}

/** `0x` and 16 hex digits, as ptdump and the kernel print addresses. */
export function hex64(v: bigint): string {
  const u = ((v % U64) + U64) % U64;
  return `0x${u.toString(16).padStart(16, '0')}`;
}

export function kvaHex(geo: Geometry, kva: Kva): string {
  return hex64(fromKva(geo, kva));
}

/** Parses `0x…` hex (underscores allowed) into an unsigned 64-bit value. */
export function parseHex(text: string): bigint {
  const clean = text.trim().replace(/_/g, '');
  if (!/^0x[0-9a-f]{1,16}$/i.test(clean)) {
    throw new AddressError('an address is written as 0x and 1 to 16 hex digits', { text });
  }
  return BigInt(clean);
}

/** A physical address parsed as 64 bits, refused unless it fits the configuration's physical address bits. */
export function toPhys(geo: Geometry, pa: bigint): number {
  if (pa < 0n || pa >= 1n << BigInt(geo.paBits)) {
    throw new AddressError('a physical address must fit the configuration’s physical address bits', {
      address: `0x${pa.toString(16)}`,
      paBits: geo.paBits,
    });
  }
  return Number(pa);
}

/** Physical address as `0x` and hex digits. */
export function physHex(pa: number): string {
  return `0x${pa.toString(16).padStart(12, '0')}`;
}
