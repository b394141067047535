import { beforeAll, describe, expect, it } from 'vitest';
import { buildStory, type Progress, type RaceRun, type Story, type StoryScenes } from '../../src/present/story';
import { storyHtml } from '../../src/present/story-html';
import { storyPictures } from '../../src/present/story-pictures';
import { soundPolicies, storyChapters, storyText, verdictRows } from '../../src/present/story-text';

let story: Story;
let scenes: StoryScenes | undefined;
const progress: Progress[] = [];

beforeAll(() => {
  ({ story, scenes } = buildStory({ onProgress: (p) => progress.push(p), scenes: true }));
});

const removal = (policy: string) => story.removals.find((r) => r.policy === policy);
const race = (kind: RaceRun['kind'], label: string) =>
  story.races.find((r) => r.kind === kind && (r.policy === label || r.variant === label));
const violation = (r: RaceRun | undefined) => r?.violation?.split(':')[0] ?? 'safe';

describe('the story, as data', () => {
  it('boots 4K/48 with 128M, page-mapped, and names the static tables and the shared bm_pud', () => {
    expect(story.config).toBe('4K/48');
    expect(story.layout.sharing).toContain('PGD entry 507');
    expect(story.boot.pageMapped).toBe(true);
    expect(story.boot.staticTables.map((t) => t.name)).toEqual(['swapper_pg_dir', 'bm_pud', 'bm_pmd', 'bm_pte']);
    expect(story.boot.shared).toMatchObject({ level: 'PUD', va: '0xfffffd8000000000', name: 'bm_pud', live: 1 });
  });

  it('hot-adds two sections page-mapped, the second alone under PGD entry 1 of the linear map', () => {
    expect(story.hotAdd.sections.map((s) => [s.start, s.pgdEntry])).toEqual([
      ['0x000200000000', 0],
      ['0x008040000000', 1],
    ]);
    expect(story.hotAdd.tablesAllocated).toEqual({ PGD: 0, PUD: 1, PMD: 4, PTE: 1024 });
  });

  it('vmallocs one page through the shared PUD table, installing a PMD and a PTE table', () => {
    expect(story.vmalloc).toMatchObject({
      va: '0xfffffdffbffee000',
      path: 'PGD[507] → PUD[510] → PMD[511] → PTE[494]',
      throughShared: true,
    });
    expect(story.vmalloc.installed.map((t) => t.level)).toEqual(['PMD', 'PTE']);
    expect(story.vmalloc.ptdump).toContain('---[ vmalloc() end ]---');
  });

  it('removes the lone section under every policy: what each frees and leaves behind', () => {
    expect(story.removals.map((r) => r.policy)).toEqual(['v5.7', 'range', 'empty-only', 'v7', 'x86', 'never']);
    expect(removal('v5.7')).toMatchObject({ freed: { PGD: 0, PUD: 1, PMD: 3, PTE: 512 }, leftBehind: [], broken: [] });
    expect(removal('range')?.leftBehind.map((t) => `${t.level} ${t.va}`)).toEqual([
      'PMD 0xfffffe01c0000000',
      'PMD 0xfffffe0200000000',
      'PUD 0xffff008000000000',
    ]);
    expect(removal('v7')?.leftBehind.map((t) => t.level)).toEqual(['PMD', 'PMD']);
    expect(removal('x86')).toMatchObject({ freed: { PGD: 0, PUD: 0, PMD: 3, PTE: 512 }, broken: [] });
    expect(removal('x86')?.leftBehind.map((t) => t.level)).toEqual(['PUD']);
    expect(removal('never')?.freed).toEqual({ PGD: 0, PUD: 0, PMD: 0, PTE: 0 });
  });

  it('says per caller which floor and ceiling it ran with and why each kept table stayed', () => {
    const [vmemmap, linear] = removal('range')?.parts ?? [];
    expect(vmemmap).toMatchObject({
      caller: 'vmemmap_free',
      floor: '0xfffffe01ffe00000',
      ceiling: '0xfffffe0200e00000',
    });
    expect(vmemmap?.groups.map((g) => g.reason)).toEqual([
      'outside floor/ceiling: below-floor',
      'outside floor/ceiling: beyond-ceiling',
      'outside floor/ceiling: below-floor',
    ]);
    expect(linear?.groups[0]).toMatchObject({ level: 'PTE', freed: true, count: 512 });
  });

  it('explores every race: only emptiness alone or x86 ordering lose one, the W+X check loses without the lock', () => {
    const loses = (kind: RaceRun['kind']) =>
      story.races.filter((r) => r.kind === kind && r.violation).map((r) => r.policy);
    expect(loses('vmalloc')).toEqual(['empty-only']);
    expect(violation(race('vmalloc', 'empty-only'))).toBe('freed-while-held');
    expect(violation(race('vmalloc-real', 'empty-only'))).toBe('safe');
    expect(loses('cached-walk')).toEqual(['x86']);
    expect(violation(race('cached-walk', 'x86'))).toBe('use-after-free');
    expect(violation(race('ptdump', 'ptdump_check_wx, no lock'))).toBe('use-after-free');
    expect(violation(race('ptdump', 'ptdump, mem_hotplug_lock'))).toBe('safe');
    expect(
      race('ptdump', 'ptdump_check_wx, no lock')?.essential.map((s) => s.replace(/^\d+\. /, '').split(' ')[0]),
    ).toEqual(['ptdump_check_wx', 'hot-remove', 'hot-remove', 'ptdump_check_wx']);
    expect(race('vmalloc', 'empty-only')?.steps.at(-1)).toMatch(/^⇒ freed-while-held: /);
    expect(story.problems).toEqual([]);
  });

  it('reports progress once per exploration, in order', () => {
    expect(progress.map((p) => p.index)).toEqual(story.races.map((_, i) => i));
    expect(progress.every((p) => p.total === story.races.length)).toBe(true);
  });
});

describe('the story, as text', () => {
  it('tells seven chapters under a title, and ends with the verdict: only v5.7 is sound', () => {
    const text = storyText(story);
    const headings = text.split('\n').filter((l) => /^\d\. /.test(l));
    expect(headings.map((h) => h.slice(0, 2))).toEqual(['1.', '2.', '3.', '4.', '5.', '6.', '7.']);
    expect(text.split('\n')[0]).toBe(
      'Memory hot-remove on arm64, Linux v5.7, 4K/48: which page-table pages may be freed',
    );
    expect(soundPolicies(story)).toEqual(['v5.7']);
    expect(text).toContain('  Only v5.7 frees every table the section alone used and loses no race');
    expect(verdictRows(story)[1]).toEqual(['v5.7', '516', '0', 'safe', 'safe']);
  });

  it('shows ptdump excerpts and a shortest counterexample, and keeps lines readable', () => {
    const text = storyText(story);
    expect(text).toContain(
      '    0xffff008000000000-0xffff008040000000           1G PTE       RW NX SHD AF            UXN MEM/NORMAL',
    );
    expect(text).toMatch(/ {4}1\. hot-remove takes mem_hotplug_lock\n/);
    const long = text.split('\n').filter((l) => l.length > 116);
    expect(long).toEqual([]);
  });
});

describe('the story, as HTML', () => {
  it('is one page with the same chapters, escaped, and each chapter’s pictures after its text', () => {
    const svg = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><text>a &lt; b</text></svg>';
    const html = storyHtml(story, new Map([[5, [{ caption: 'v5.7 <removal>', svg }]]]));
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.match(/<h2>/g)).toHaveLength(storyChapters(story).length);
    expect(html).toContain('<figcaption>v5.7 &lt;removal&gt;</figcaption>\n<svg xmlns');
    expect(html).not.toContain('<?xml');
    expect(html.indexOf('<figure>')).toBeGreaterThan(html.indexOf('<h2>5. '));
    expect(html.indexOf('<figure>')).toBeLessThan(html.indexOf('<h2>6. '));
    expect(html).toContain('PGD[507] → PUD[510]');
  });

  it('draws the vmalloc, each policy’s removal per caller and each race lost', () => {
    const pictures = storyPictures(scenes as StoryScenes);
    const captions = (chapter: number) => (pictures.get(chapter) ?? []).map((p) => p.caption);
    expect(captions(4)).toEqual(['vmalloc of one page at 0xfffffdffbffee000, through the shared table']);
    expect(captions(5)).toHaveLength(2 * story.removals.length);
    expect(captions(5)[1]).toBe('v5.7: __remove_pgd_mapping [0xffff008000000000, 0xffff008040000000)');
    expect(captions(6)).toHaveLength(story.races.filter((r) => r.violation).length);
    for (const p of [...pictures.values()].flat())
      expect(p.svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+"/);
  });
});
