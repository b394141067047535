import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChapters } from '../../src/present/manual/chapters';
import { siteWeight, weightReport } from '../../src/present/manual/weight';
import { type Chromium, launchChromium } from './chromium';
import { ManualPage, type PageCensus } from './manual-page';
import { isHotRemove, streamScenarios } from './report-messages';

// The manual as a reader gets it: `npm run docs` wrote reports/manual/; Chromium reads it front to
// back by the pager's "next" links, then the glossaries, following every link and loading every picture.
// It opens the pages a reader's paths lead through (the index, a search, a claim, a race, the phone)
// and reads the rest with its own HTML parser.

const DIR = 'reports/manual';
/** The message stream of the run the manual was written from. */
const MESSAGES = 'reports/messages.ndjson';
const SCREENSHOTS = {
  wide: 'reports/manual-1280.png',
  phone: 'reports/manual-390.png',
  race: 'reports/manual-race.png',
};

const url = (page: string): string => pathToFileURL(resolve(DIR, page)).href;

/** The ids of every page of the site, read from the files (the site's own HTML, one attribute form). */
function idsByPage(): Map<string, Set<string>> {
  const pages = readdirSync(DIR).filter((f) => f.endsWith('.html'));
  return new Map(
    pages.map((p) => [
      p,
      new Set([...readFileSync(join(DIR, p), 'utf8').matchAll(/\bid="([^"]+)"/g)].map((m) => m[1] ?? '')),
    ]),
  );
}

describe(`${DIR} in Chromium`, () => {
  let chromium: Chromium;
  let manual: ManualPage;
  const errors: string[] = [];
  /** Page → what it held, in the order the pager led. */
  let read: Map<string, PageCensus>;
  let chapters: string[];

  beforeAll(async () => {
    if (!existsSync(join(DIR, 'index.html'))) throw new Error(`${DIR}/index.html is missing: run npm run docs first`);
    chromium = await launchChromium({ width: 1280, height: 900 });
    const page = chromium.context.pages()[0] ?? (await chromium.context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
    manual = new ManualPage(page);
    await manual.open(url('index.html'));
    await page.screenshot({ path: SCREENSHOTS.wide, animations: 'disabled' });
    chapters = await manual.chapters();
    read = await manual.readPages({
      base: url('index.html'),
      first: 'index.html',
      extra: ['glossary.html', 'steps.html'],
    });
  });

  afterAll(async () => {
    await chromium?.close();
  });

  it('lists the chapters in the order of features/chapters.json, and the pager reads every page', () => {
    expect(chapters).toEqual(loadChapters().map((c, i) => `${i + 1}. ${c.title}`));
    const pages = readdirSync(DIR).filter((f) => f.endsWith('.html'));
    expect([...read.keys()].sort()).toEqual(pages.sort());
  });

  it('resolves every internal link: to a file of the site, and to an id on that page', () => {
    const ids = idsByPage();
    const broken = [...read].flatMap(([page, census]) =>
      census.links
        .filter((href) => !/^[a-z]+:/i.test(href))
        .filter((href) => {
          const [file = '', hash] = href.split('#');
          const target = file === '' ? page : file;
          if (!existsSync(join(DIR, target))) return true;
          return hash !== undefined && hash !== '' && !ids.get(target)?.has(decodeURIComponent(hash));
        })
        .map((href) => `${page} → ${href}`),
    );
    expect(broken).toEqual([]);
  });

  it('loads every picture lazily, and each decodes at a non-zero size', async () => {
    const censuses = [...read.values()];
    const pictures = [...new Set(censuses.flatMap((c) => c.images))];
    expect(pictures.length).toBeGreaterThan(0);
    expect(censuses.flatMap((c) => c.eager)).toEqual([]);
    await manual.open(url('index.html'));
    expect(await manual.blankPictures(pictures)).toEqual([]);
  });

  it('shows every picture the features attached, and at least one in every hot-remove scenario', () => {
    const scenarios = streamScenarios(MESSAGES);
    const shown = new Set([...read.values()].flatMap((c) => c.images).map((src) => src.replace(/^.*\/img\//, '')));
    const missing = scenarios.flatMap((s) =>
      s.pictureDigests.filter((d) => !shown.has(`${d}.svg`)).map((d) => `${s.uri}: ${s.name}: ${d}`),
    );
    expect(missing).toEqual([]);
    const removals = scenarios.filter(isHotRemove);
    expect(removals.length).toBeGreaterThan(0);
    expect(removals.filter((s) => s.pictures === 0).map((s) => `${s.uri}: ${s.name}`)).toEqual([]);
  });

  it('finds the floor/ceiling Rules when searching for "floor", and a result leads to its Rule', async () => {
    await manual.open(url('index.html'));
    const hits = await manual.search('floor');
    const rules = hits.filter((h) => h.kind === 'Rule' && /floor/i.test(h.title));
    expect(rules.length).toBeGreaterThanOrEqual(3);
    const first = rules[0] as (typeof rules)[number];
    await manual.page.locator(`#search-results a[href="${first.href}"]`).click();
    await manual.page.waitForURL(`**/${first.href}`);
    expect((await manual.landing())?.heading).toBe(first.title);
  });

  it('leads from a claim of the index to the Rule that checks it, and back', async () => {
    await manual.open(url('index.html'));
    const link = manual.page.locator('a.checked-by').first();
    const [name, href] = [await link.textContent(), await link.getAttribute('href')];
    await link.click();
    await manual.page.waitForURL(`**/${href}`);
    const rule = await manual.landing();
    expect(rule?.className).toBe('rule');
    expect(rule?.heading).toBe(name);
    expect(rule?.inView).toBe(true);
    expect(rule?.claims.length).toBeGreaterThan(0);
    expect(rule?.claims.every((c) => c.startsWith('index.html#'))).toBe(true);
  });

  it('reads on a phone, and draws a race as a swim-lane picture', async () => {
    const race = [...read.keys()].find((p) => p.includes('emptiness-alone-races-vmalloc')) as string;
    await manual.open(url(race));
    // The header stays in the flow for this screenshot, so it does not cover the top of the picture.
    await manual.page.addStyleTag({ content: 'header.top { position: static; }' });
    const figure = manual.page.locator('figure').first();
    await figure.scrollIntoViewIfNeeded();
    await figure.locator('img').evaluate((img: { decode(): Promise<void> }) => img.decode());
    await figure.screenshot({ path: SCREENSHOTS.race, animations: 'disabled' });
    await manual.page.setViewportSize({ width: 390, height: 844 });
    await manual.open(url('index.html'));
    await manual.page.screenshot({ path: SCREENSHOTS.phone, animations: 'disabled' });
    const width = await manual.page.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
  });

  it('logs no error in the console of any page it opened', () => {
    // Last: the tests above opened their pages.
    expect(errors).toEqual([]);
  });

  it('keeps every page and the whole site within budget', () => {
    const { lines, problems } = weightReport(siteWeight(DIR));
    for (const line of lines) console.log(`manual: ${line}`);
    expect(problems).toEqual([]);
  });
});
