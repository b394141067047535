import { createHash } from 'node:crypto';
import { reachableTables } from '../tables/tree';
import type { Kernel } from './kernel';

/**
 * A fingerprint of everything a refused operation must leave as it was: every reachable table page and
 * its contents, live table counts, the allocator, the vmalloc areas, the present sections and memory.
 */
export function snapshot(k: Kernel): string {
  const hash = createHash('sha1');
  hash.update(tablesFingerprint(k));
  const areas = k.vmalloc.areas.map((a) => `${a.start}+${a.size}:${a.pages.length}`).join(',');
  const blocks = k.mem.blocks.map((b) => {
    const pages = createHash('sha1');
    for (const chunk of [...b.state, ...b.owner]) pages.update(digest(chunk, k.mem.isFrozenChunk(chunk)));
    return `${b.base}+${b.size}:${pages.digest('hex')}`;
  });
  hash.update(
    JSON.stringify({
      live: k.mem.liveTables,
      alloc: k.alloc.fingerprint(),
      areas,
      blocks,
      sections: [...k.sections.keys()].sort((a, b) => a - b),
      violations: k.mem.violations.length,
    }),
  );
  return hash.digest('hex');
}

/** A fingerprint of the page tables alone: every reachable table page, where it is and what it holds. */
export function tablesFingerprint(k: Kernel): string {
  const hash = createHash('sha1');
  for (const node of reachableTables(k.pt)) {
    hash.update(`${node.pfn}:${node.level.name}:`);
    hash.update(tableDigest(k, node.pfn));
  }
  return hash.digest('hex');
}

/** Digests of arrays no one writes any more (table contents, chunks of page states that clones share), kept while they live. */
const FROZEN_DIGESTS = new WeakMap<Uint8Array | Uint32Array, Buffer>();

/** The SHA-1 of an array of the state: computed once for an array clones share (frozen), every time otherwise. */
function digest(array: Uint8Array | Uint32Array, frozen: boolean): Buffer {
  const known = frozen && FROZEN_DIGESTS.get(array);
  if (known) return known;
  const sha1 = createHash('sha1').update(array).digest();
  if (frozen) FROZEN_DIGESTS.set(array, sha1);
  return sha1;
}

/** The SHA-1 of a table page's contents (shared contents are the page's own array, frozen). */
function tableDigest(k: Kernel, pfn: number): Buffer {
  return digest(k.pt.words(pfn, 'snapshot'), k.pt.frozenWords(pfn) !== undefined);
}
