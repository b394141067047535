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
    for (const chunk of [...b.state, ...b.owner]) pages.update(chunk);
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
    hash.update(k.pt.words(node.pfn, 'snapshot'));
  }
  return hash.digest('hex');
}
