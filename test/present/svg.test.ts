import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { geometry, type Level, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import type { Exploration } from '../../src/concurrency/explorer';
import { archAddMemory } from '../../src/hotplug/add';
import { archRemoveMemory, type RemovalReport } from '../../src/hotplug/remove';
import type { Kernel } from '../../src/mappings/kernel';
import { BOUNDS, INK, RANGE, SHARED, STATUS } from '../../src/present/svg/palette';
import { raceDiagram } from '../../src/present/svg/race-diagram';
import { wrap } from '../../src/present/svg/svg';
import { layoutTree } from '../../src/present/svg/tree-layout';
import { treePicture } from '../../src/present/svg/tree-picture';
import type { PictureTable, TableStatus } from '../../src/present/svg/tree-tables';
import { zoomWindow } from '../../src/present/svg/va-axis';
import type { Step } from '../../src/tables/step';
import { reachableTables } from '../../src/tables/tree';
import { GiB, smallKernel } from '../support/kernels';
import { property } from '../support/property';

/** Balanced tags, quoted attributes, escaped text: a well-formedness check without an XML parser. */
function wellFormed(svg: string): string[] {
  const open: string[] = [];
  const problems: string[] = [];
  for (const m of svg.matchAll(/<[^>]*>|[^<]+/g)) {
    const token = m[0];
    if (!token.startsWith('<')) {
      if (/&(?!amp;|lt;|gt;|quot;|apos;)/.test(token)) problems.push(`unescaped & in ${token}`);
      continue;
    }
    const tag = /^<(\/?)([\w:-]+)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>$/.exec(token);
    if (!tag) problems.push(`malformed tag ${token}`);
    else if (tag[1]) {
      if (open.pop() !== tag[2]) problems.push(`unbalanced </${tag[2]}>`);
    } else if (!tag[4]) open.push(tag[2] as string);
  }
  if (open.length) problems.push(`unclosed ${open.join(', ')}`);
  return problems;
}

/** width, height and viewBox of the root element. */
function size(svg: string): { width: number; height: number; viewBox: string } {
  const root = /^<svg [^>]*>/.exec(svg)?.[0] ?? '';
  const attr = (name: string): string => new RegExp(` ${name}="([^"]*)"`).exec(root)?.[1] ?? '';
  return { width: Number(attr('width')), height: Number(attr('height')), viewBox: attr('viewBox') };
}

/** The text a reader sees, lines joined by spaces. */
function visibleText(svg: string): string {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).join(' ');
}

function expectDrawable(svg: string): void {
  expect(wellFormed(svg)).toEqual([]);
  const s = size(svg);
  expect(s.width).toBeGreaterThan(0);
  expect(s.height).toBeGreaterThan(0);
  expect(s.viewBox).toBe(`0 0 ${s.width} ${s.height}`);
  expect(svg.length).toBeLessThan(200_000);
  const families = new Set([...svg.matchAll(/font-family="([^"]*)"/g)].map((m) => m[1]));
  expect([...families].every((f) => f === 'sans-serif' || f === 'monospace')).toBe(true);
}

/** A 4K/48 kernel, page-mapped as rodata_full maps it, with the section at 4 GiB hot-added (events counted, not recorded: the pictures do not read them). */
function withSection(): Kernel {
  const k = smallKernel('4K/48', { rodataFull: true, trace: false });
  archAddMemory(k, 4 * GiB, GiB);
  return k;
}

const added = withSection();

/** The picture of the linear map's teardown when the section is removed under a policy. */
function removal(policy: string): { svg: string; report: RemovalReport } {
  const k = added.clone();
  const before = reachableTables(k.pt);
  const report = archRemoveMemory(k, 4 * GiB, GiB, { policy });
  const linear = report.parts.at(-1);
  if (!linear) throw new Error('no teardown of the linear map');
  const svg = treePicture(before, k, {
    title: `__remove_pgd_mapping <${policy}> & more`,
    start: linear.start,
    end: linear.end,
    bounds: { floor: linear.floor, ceiling: linear.ceiling },
    decisions: linear.decisions,
  });
  return { svg, report };
}

describe('treePicture: removing a page-mapped 1 GiB section on 4K/48', () => {
  const { svg } = removal('v5.7');

  it('is a well-formed SVG with a size, a viewBox, generic fonts and under 200 KB', () => {
    expectDrawable(svg);
  });

  it('collapses the 512 PTE tables into one box', () => {
    expect(svg).toContain('×512 PTE tables');
    expect(svg.match(/PTE table</g) ?? []).toHaveLength(0);
  });

  it('says why every kept table stayed', () => {
    expect(svg).toContain('kept: the PGD is never freed');
    expect(svg).toContain('kept: entries left (');
  });

  it('has a legend naming every colour', () => {
    expect(svg).toContain('>Legend<');
    for (const s of Object.values(STATUS)) expect(svg).toContain(s.label);
    expect(svg).toContain(SHARED.label);
  });

  it('escapes the title', () => {
    expect(svg).toContain('&lt;v5.7&gt; &amp; more');
  });

  it('names the PUD table kept outside floor/ceiling when floor/ceiling = the removed range', () => {
    expect(visibleText(removal('range').svg)).toContain('kept: outside floor/ceiling (below-floor)');
  });
});

/** A number attribute of an element. */
const attr = (tag: string, name: string): number => Number(new RegExp(` ${name}="([^"]*)"`).exec(tag)?.[1]);

/** The axis line's ends, the range's red bar on it, and the green ticks of a floor or ceiling on the scale. */
function axis(svg: string): { x1: number; x2: number; range: [number, number]; ticks: number[] } {
  const line = svg.match(new RegExp(`<line [^>]*stroke="${INK.line}"[^>]*/>`, 'g')) ?? [];
  expect(line).toHaveLength(1);
  const bar = svg.match(new RegExp(`<rect [^>]*height="12" fill="${RANGE.fill}"/>`, 'g')) ?? [];
  expect(bar).toHaveLength(1);
  const x = attr(bar[0] as string, 'x');
  const ticks = (svg.match(new RegExp(`<line [^>]*stroke="${BOUNDS.fill}"[^>]*/>`, 'g')) ?? []).map((t) =>
    attr(t, 'x1'),
  );
  return {
    x1: attr(line[0] as string, 'x1'),
    x2: attr(line[0] as string, 'x2'),
    range: [x, x + attr(bar[0] as string, 'width')],
    ticks,
  };
}

const outsideTitles = (svg: string): string => svg.replace(/<title>[^<]*<\/title>/g, '');

describe('treePicture: the VA axis zooms to the range, floor and ceiling as context', () => {
  const v57 = removal('v5.7').svg;
  const range = removal('range').svg;

  it('gives the removed range at least four fifths of the axis, though floor/ceiling span the whole linear map', () => {
    const a = axis(v57);
    expect(a.range[1] - a.range[0]).toBeGreaterThanOrEqual(0.8 * (a.x2 - a.x1));
    expect(a.range[0]).toBeGreaterThanOrEqual(a.x1);
    expect(a.range[1]).toBeLessThanOrEqual(a.x2);
  });

  it('draws a floor and ceiling far beyond the axis as arrows at its ends, with their addresses', () => {
    const shown = visibleText(v57);
    expect(shown).toContain('← floor 0xffff000000000000');
    expect(shown).toContain('ceiling 0xffff800000000000 →');
    // Two on the axis, one in the legend, which names it.
    expect(v57.match(new RegExp(`<path [^>]*fill="${BOUNDS.fill}"/>`, 'g'))).toHaveLength(3);
    expect(shown).toContain('floor or ceiling beyond the axis');
    expect(axis(v57).ticks).toEqual([]);
  });

  it('draws a floor and ceiling on the scale as ticks where the range starts and ends', () => {
    const a = axis(range);
    expect(a.ticks).toEqual(a.range);
    expect(visibleText(range)).toMatch(/(^| )floor 0x[0-9a-f]{16} /);
    expect(visibleText(range)).not.toMatch(/[←→]/);
    expect(range).not.toMatch(new RegExp(`<path [^>]*fill="${BOUNDS.fill}"/>`));
    expect(visibleText(range)).not.toContain('beyond the axis');
  });

  it('prints the pages of the tables only in tooltips', () => {
    for (const svg of [v57, range]) {
      expect(svg).toMatch(/<title>[^<]*page 0x[0-9a-f]{12}/);
      expect(outsideTitles(svg)).not.toMatch(/pages? 0x|(^|[^0-9a-f])0x[0-9a-f]{12}(?![0-9a-f])/);
    }
  });

  it('is as narrow as a one-column tree allows, and widens for a long title', () => {
    expect(size(v57).width).toBeLessThanOrEqual(720);
    const k = added.clone();
    const title = `a title of a hundred characters ${'x'.repeat(68)}`;
    expect(
      size(treePicture(undefined, k, { title, start: k.linearVa(4 * GiB), end: k.linearVa(5 * GiB) })).width,
    ).toBeGreaterThan(title.length * 18 * 0.56 + 32);
  });

  property(
    [
      fc.constantFrom(...SUPPORTED_CONFIGS),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.integer({ min: 1, max: 2 ** 24 }),
    ],
    { numRuns: 300 },
  )('scales to a window around the range, the range four fifths of it from 8 pages up', (config, at, pages) => {
    const geo = geometry(config);
    const top = 2 ** geo.vaBits / geo.pageSize;
    const size = Math.min(pages, top) * geo.pageSize;
    const start = Math.floor(at * (top - size / geo.pageSize)) * geo.pageSize;
    const end = start + size;
    const [lo, hi] = zoomWindow(geo, start, end);
    expect(lo < start || start === 0).toBe(true);
    expect(hi > end || end === 2 ** geo.vaBits).toBe(true);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(2 ** geo.vaBits);
    if (end - start >= 8 * geo.pageSize) expect(end - start).toBeGreaterThanOrEqual(0.8 * (hi - lo));
  });
});

describe('treePicture: folded levels, static and shared tables', () => {
  it('draws a thin row for every folded level of a two-level configuration', () => {
    const k = smallKernel('16K/36');
    const svg = treePicture(undefined, k, {
      title: '16K/36',
      start: k.linearVa(k.physOffset),
      end: k.linearVa(k.physOffset) + 2 ** 25,
    });
    expectDrawable(svg);
    for (const name of ['P4D', 'PUD', 'PMD']) expect(svg).toContain(`${name} folded into PGD`);
  });

  it('marks the static bm_pud that vmalloc and vmemmap share on 4K/48', () => {
    const start = added.layout.vmemmapStart;
    const svg = treePicture(undefined, added, {
      title: 'vmemmap start',
      start,
      end: start + 2 ** 21,
      rangeLabel: 'shown',
    });
    expectDrawable(svg);
    expect(svg).toContain('bm_pud');
    expect(svg).toContain('⇄ vmalloc');
    expect(svg).toContain(`stroke="${SHARED.stroke}"`);
  });
});

describe('layoutTree: runs and groups', () => {
  const geo = geometry('4K/39');
  const table = (depth: number, va: number, status: TableStatus): PictureTable => {
    const level = geo.levels[depth] as Level;
    return { pfn: va / geo.pageSize, level, va, status, shared: false, name: 'table', first: 0, last: 0 };
  };
  const tree = (statuses: TableStatus[]) =>
    layoutTree([table(0, 0, 'live'), table(1, 0, 'live'), ...statuses.map((s, i) => table(2, i * 2 ** 21, s))], {
      box: 100,
      gap: 10,
    });
  const kinds = (statuses: TableStatus[]) =>
    tree(statuses)?.children[0]?.children.map((c) => `${c.kind} ${c.tables.length}`);

  it('makes one box of three or more identical siblings, and single boxes of fewer', () => {
    expect(kinds(['freed', 'freed', 'freed', 'empty', 'empty', 'freed'])).toEqual([
      'run 3',
      'single 1',
      'single 1',
      'single 1',
    ]);
  });

  it('groups every child into one mixed box when a row would hold too many', () => {
    expect(kinds(['freed', 'empty', 'freed', 'empty', 'freed', 'empty', 'freed'])).toEqual(['mixed 7']);
  });

  it('gives every box room: children side by side within their parent', () => {
    const root = tree(['freed', 'empty', 'live']);
    const row = root?.children[0]?.children ?? [];
    expect(row.map((c) => c.x)).toEqual([0, 110, 220]);
    expect(root?.width).toBe(320);
  });
});

const step = (actor: string, op: Step['op'], text: string): Step => ({ actor, op, pages: [], readOnly: false, text });

function exploration(steps: Step[], violating = true): Exploration {
  return {
    scenario: 'vmemmap_free ‖ vmalloc <constructed>',
    schedules: 37,
    sleepBlocked: 8,
    finalStates: 1,
    stepsExecuted: 919,
    millis: 12,
    counterexample: violating
      ? {
          steps,
          violation: { kind: 'freed-while-held', actor: 'hot-remove', detail: 'frees the PUD table at 0x82201000' },
        }
      : undefined,
  };
}

describe('raceDiagram', () => {
  const steps = [
    step('hot-remove', 'lock', 'hot-remove takes mem_hotplug_lock'),
    step('hot-remove', 'read', 'hot-remove scans every entry of the PUD table'),
    step('vmalloc', 'read', 'vmalloc reads PGD[507]'),
    step('ptdump', 'read', 'ptdump reads PGD[507]'),
    step('hot-remove', 'free', 'hot-remove frees the PUD table at 0x82201000'),
  ];
  const svg = raceDiagram(exploration(steps));

  it('is a well-formed SVG with a size and a viewBox', () => {
    expectDrawable(svg);
  });

  it('draws one lane per actor and numbers every step', () => {
    for (const actor of ['hot-remove', 'vmalloc', 'ptdump']) expect(svg).toContain(`>${actor}</text>`);
    for (const n of [1, 2, 3, 4, 5]) expect(svg).toContain(`>${n}</text>`);
    expect(svg).toContain('>frees the PUD table at 0x82201000</text>');
  });

  it('draws a hand-over wherever the schedule switches actor, and the violation at the end', () => {
    expect(svg.match(/stroke-dasharray="5 3"/g)).toHaveLength(3);
    expect(svg).toContain('⇒ freed-while-held: frees the PUD table at 0x82201000');
  });

  it("names its essential steps instead of the explorer's figures, in bold, and fades the others", () => {
    const marked = raceDiagram(exploration(steps), [3, 5]);
    expectDrawable(marked);
    expect(marked).toContain('essential steps in bold: 3, 5');
    expect(marked).not.toContain('schedules');
    expect(marked.match(/opacity="0.45"/g)).toHaveLength(3);
    expect(marked).toContain('font-weight="bold">reads PGD[507]</text>');
    expect(svg).not.toContain('opacity="0.45"');
  });

  it('says so when no schedule violates', () => {
    const clean = raceDiagram(exploration([], false));
    expectDrawable(clean);
    expect(clean).toContain('no violation in 37 schedules');
  });
});

describe('wrap', () => {
  property([fc.array(fc.stringMatching(/^[a-z0-9[\]]{1,12}$/), { maxLength: 30 }), fc.integer({ min: 12, max: 80 })], {
    numRuns: 200,
  })('keeps every word in order and no line longer than asked', (words, max) => {
    const lines = wrap(words.join(' '), max);
    expect(lines.join(' ')).toBe(words.join(' '));
    expect(lines.every((l) => l.length <= max)).toBe(true);
  });
});
