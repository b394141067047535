// Counts of tables or leaves by level, as the steps write them: `1 PUD, 1 PMD, 1 PTE` or `none`.

/** `1 PMD, 2 PTE` → PMD 1, PTE 2 (a kind named twice adds up). */
export function parseCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  if (text === 'none') return counts;
  for (const part of text.split(', ')) {
    const [n, ...what] = part.split(' ');
    counts.set(what.join(' '), (counts.get(what.join(' ')) ?? 0) + Number(n));
  }
  return counts;
}

/** Counts in a canonical order (by level, top first), so that expected and actual compare as text. */
export function countsText(counts: ReadonlyMap<string, number>): string {
  const order = (key: string): number => ['PGD', 'PUD', 'PMD', 'PTE'].indexOf(key.split(' ')[0] ?? '');
  const keys = [...counts.keys()].filter((k) => (counts.get(k) ?? 0) > 0).sort((a, b) => order(a) - order(b));
  return keys.length ? keys.map((k) => `${counts.get(k)} ${k}`).join(', ') : 'none';
}
