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
    for (const chunk of [...b.state, ...b.owner]) pages.update(chunkDigest(k, chunk));
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

/** Digests of table contents no one writes any more (shared by clones), kept while the contents live. */
const FROZEN_DIGESTS = new WeakMap<Uint32Array, Buffer>();

/** The SHA-1 of a table page's contents: computed once for contents clones share, every time otherwise. */
function tableDigest(k: Kernel, pfn: number): Buffer {
  const words = k.pt.words(pfn, 'snapshot');
  const frozen = k.pt.frozenWords(pfn);
  const known = frozen && FROZEN_DIGESTS.get(frozen);
  if (known) return known;
  const digest = createHash('sha1').update(words).digest();
  if (frozen) FROZEN_DIGESTS.set(frozen, digest);
  return digest;
}

/** Digests of chunks of page states or owners no one writes any more (shared by clones), kept while they live. */
const FROZEN_CHUNK_DIGESTS = new WeakMap<Uint8Array, Buffer>();

/** The SHA-1 of a chunk of page states or owners: computed once for a chunk clones share, every time otherwise. */
function chunkDigest(k: Kernel, chunk: Uint8Array): Buffer {
  const frozen = k.mem.isFrozenChunk(chunk);
  const known = frozen && FROZEN_CHUNK_DIGESTS.get(chunk);
  if (known) return known;
  const digest = createHash('sha1').update(chunk).digest();
  if (frozen) FROZEN_CHUNK_DIGESTS.set(chunk, digest);
  return digest;
}
