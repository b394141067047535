// The manual as a static site (reports/manual/): the story and its claims on index.html, one page per
// chapter in the order of features/chapters.json, the domain and step glossaries, pictures as files,
// and a client-side search (MiniSearch) over every feature, Rule and scenario.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Attachment, GherkinDocument } from '@cucumber/messages';
import MiniSearch from 'minisearch';
import type { Chapter } from './chapters';
import { type FeatureContext, featureHtml, featureRuns, resultSummary } from './feature-html';
import { type Terms, termsHtml } from './glossary';
import { type FeaturePlace, href, type Places, pageOf } from './places';
import { escapeHtml as esc, prose } from './prose';
import { attachmentBytes, type Run } from './run';

export const TITLE = 'arm64 hot-remove: the manual';

export interface ManualSources {
  readonly chapters: readonly Chapter[];
  readonly places: Places;
  readonly run: Run;
  readonly terms: Terms;
  /** The step glossary (features/GLOSSARY.md), Markdown. */
  readonly stepGlossary: string;
}

interface SearchDoc {
  readonly id: string;
  readonly kind: 'Feature' | 'Rule' | 'Scenario';
  readonly title: string;
  readonly chapter: string;
  readonly text: string;
}

const SEARCH_OPTIONS = {
  fields: ['title', 'text'],
  storeFields: ['kind', 'title', 'chapter'],
  searchOptions: { boost: { title: 3 }, prefix: true },
};

const ASSETS = join(__dirname, 'assets');
const MINISEARCH = require.resolve('minisearch').replace(/cjs[/\\]index\.cjs$/, 'umd/index.js');

/** The extra pages after the chapters, in the navigation. */
const EXTRA_PAGES = [
  { page: 'glossary.html', title: 'Glossary' },
  { page: 'steps.html', title: 'Step glossary' },
] as const;

function nav(sources: ManualSources, current: string): string {
  const items = sources.chapters.map((c, i) => {
    const page = pageOf(c, i);
    const here = page === current || featuresOf(sources, c).some(([p]) => p.page === current);
    const features = here
      ? `<ol>${c.features
          .flatMap((f) => {
            const place = sources.places.features.get(`features/${f}`);
            return place ? [`<li><a href="${href(place)}">${esc(place.title)}</a></li>`] : [];
          })
          .join('')}</ol>`
      : '';
    return `<li${here ? ' class="current"' : ''}><a class="chapter" href="${page}">${i + 1}. ${esc(c.title)}</a>${features}</li>`;
  });
  const extra = EXTRA_PAGES.map(
    (p) => `<li${p.page === current ? ' class="current"' : ''}><a class="chapter" href="${p.page}">${p.title}</a></li>`,
  );
  return `<nav class="chapters" aria-label="Chapters"><ol>${items.join('')}</ol><ul>${extra.join('')}</ul></nav>`;
}

function shell(sources: ManualSources, page: string, title: string, main: string, pager: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — ${TITLE}</title><link rel="stylesheet" href="assets/manual.css"></head>
<body><header class="top"><a class="home" href="index.html">${TITLE}</a>
<div class="search" role="search"><input id="search" type="search" placeholder="Search the manual" aria-label="Search the manual" autocomplete="off" data-src="assets/search-index.js" data-engine="assets/minisearch.js"><ol id="search-results" hidden></ol></div></header>
<div class="layout">${nav(sources, page)}<main>${main}${pager}</main></div>
<script src="assets/manual.js"></script></body></html>
`;
}

/** Phrases listed in full up to this many; past it, the first ones and how many more. */
const PHRASES_SHOWN = 24;

/** What each parameter type of the steps accepts, as the phrases the features pass for it. */
function phrasesHtml(run: Run): string {
  const items = [...run.phrases]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, values]) => {
      const all = [...values].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
      const shown = all.slice(0, PHRASES_SHOWN).map((v) => `<code>${esc(v)}</code>`);
      const more = all.length > PHRASES_SHOWN ? `, and ${all.length - PHRASES_SHOWN} more` : '';
      return `<dt><code>{${esc(name)}}</code></dt><dd>${shown.join(', ')}${more}</dd>`;
    });
  return `<section class="phrases" id="phrases"><h2>The phrases each parameter type accepts, as the features use them</h2><dl class="glossary">${items.join('')}</dl></section>`;
}

/** Every page in reading order: each chapter, then the pages of its features. */
function readingOrder(sources: ManualSources): { page: string; title: string }[] {
  return sources.chapters.flatMap((c, i) => {
    const features = featuresOf(sources, c).filter(([p]) => p.page !== pageOf(c, i));
    return [{ page: pageOf(c, i), title: c.title }, ...features.map(([p]) => ({ page: p.page, title: p.title }))];
  });
}

/** Links to the previous and the next page, so the manual reads front to back. */
function pager(sources: ManualSources, page: string): string {
  const order = readingOrder(sources);
  const i = order.findIndex((p) => p.page === page);
  const link = (j: number, rel: 'prev' | 'next'): string => {
    const p = order[j];
    if (!p) return '<span></span>';
    return `<a rel="${rel}" href="${p.page}">${rel === 'prev' ? '← ' : ''}${esc(p.title)}${rel === 'next' ? ' →' : ''}</a>`;
  };
  return `<footer class="pager">${link(i - 1, 'prev')}${link(i + 1, 'next')}</footer>`;
}

function featuresOf(sources: ManualSources, chapter: Chapter): [FeaturePlace, GherkinDocument][] {
  return chapter.features.flatMap((f) => {
    const place = sources.places.features.get(`features/${f}`);
    const doc = sources.run.documents.get(`features/${f}`);
    return place && doc ? [[place, doc] as [FeaturePlace, GherkinDocument]] : [];
  });
}

function contents(sources: ManualSources): string {
  const items = sources.chapters.map((c, i) => {
    const features = featuresOf(sources, c).map(([p]) => `<li><a href="${href(p)}">${esc(p.title)}</a></li>`);
    return `<li><a href="${pageOf(c, i)}">${esc(c.title)}</a><ol>${features.join('')}</ol></li>`;
  });
  return `<section class="contents"><h2>Contents</h2><ol>${items.join('')}</ol></section>`;
}

/** A feature as its chapter's opening lists it: title, result, prose and its Rules, each a link. */
function featureSummary(sources: ManualSources, place: FeaturePlace, doc: GherkinDocument): string {
  const feature = doc.feature;
  if (!feature) return '';
  const rules = feature.children.flatMap((c) => {
    const p = c.rule && sources.places.nodes.get(c.rule.id);
    return c.rule && p ? [`<li><a href="${href(p)}">${esc(c.rule.name)}</a></li>`] : [];
  });
  const summary = resultSummary(featureRuns(sources.run, feature));
  return `<section class="feature-summary"><h2><a href="${place.page}">${esc(feature.name)}</a></h2><p class="summary">${summary}</p><div class="prose">${prose(feature.description, sources.places.features)}</div>${rules.length ? `<ul class="rules">${rules.join('')}</ul>` : ''}</section>`;
}

function chapterPage(sources: ManualSources, ctx: FeatureContext, i: number): string {
  const chapter = sources.chapters[i] as Chapter;
  const page = pageOf(chapter, i);
  const features = featuresOf(sources, chapter);
  const runs = features.flatMap(([, doc]) => (doc.feature ? featureRuns(sources.run, doc.feature) : []));
  const head = `<h1>${i === 0 ? TITLE : `${i + 1}. ${esc(chapter.title)}`}</h1><p class="summary">${resultSummary(runs)}</p><div class="prose">${prose(chapter.intro, sources.places.features)}</div>`;
  const body = features.map(([place, doc]) =>
    place.page === page ? featureHtml(ctx, place, doc) : featureSummary(sources, place, doc),
  );
  return shell(
    sources,
    page,
    chapter.title,
    `${head}${body.join('')}${i === 0 ? contents(sources) : ''}`,
    pager(sources, page),
  );
}

function featurePageHtml(
  sources: ManualSources,
  ctx: FeatureContext,
  i: number,
  place: FeaturePlace,
  doc: GherkinDocument,
): string {
  const chapter = sources.chapters[i] as Chapter;
  const crumb = `<p class="crumb"><a href="${pageOf(chapter, i)}">${i + 1}. ${esc(chapter.title)}</a></p>`;
  return shell(sources, place.page, place.title, `${crumb}${featureHtml(ctx, place, doc)}`, pager(sources, place.page));
}

function searchIndex(sources: ManualSources): string {
  const docs: SearchDoc[] = [];
  for (const place of sources.places.features.values()) {
    const feature = sources.run.documents.get(place.uri)?.feature;
    if (!feature) continue;
    const chapter = place.chapter.title;
    docs.push({ id: href(place), kind: 'Feature', title: feature.name, chapter, text: feature.description });
    for (const c of feature.children) {
      const rule = c.rule;
      const rulePlace = rule && sources.places.nodes.get(rule.id);
      if (rule && rulePlace) {
        docs.push({ id: href(rulePlace), kind: 'Rule', title: rule.name, chapter, text: rule.description });
      }
      for (const s of [c.scenario, ...(rule?.children.map((rc) => rc.scenario) ?? [])]) {
        const p = s && sources.places.nodes.get(s.id);
        if (s && p) docs.push({ id: href(p), kind: 'Scenario', title: s.name, chapter, text: s.description });
      }
    }
  }
  const search = new MiniSearch<SearchDoc>(SEARCH_OPTIONS);
  search.addAll(docs);
  const options = JSON.stringify(SEARCH_OPTIONS);
  return `window.MANUAL_SEARCH = { options: ${options}, index: ${JSON.stringify(JSON.stringify(search))} };\n`;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Writes each attachment once, named by its content (pictures in img/, text in txt/), and returns its path in the site. */
function attachmentWriter(dir: string): (a: Attachment) => string {
  const written = new Set<string>();
  for (const sub of ['img', 'txt']) mkdirSync(join(dir, sub), { recursive: true });
  return (a) => {
    const [type, subtype = 'bin'] = a.mediaType.split('/');
    // Text gets a byte-order mark: a browser opening a .txt from disk reads it as UTF-8 only then.
    const bytes = type === 'image' ? attachmentBytes(a) : Buffer.concat([UTF8_BOM, attachmentBytes(a)]);
    const folder = type === 'image' ? 'img' : 'txt';
    const ext = type === 'image' ? subtype.replace(/\+xml$/, '') : 'txt';
    const path = `${folder}/${createHash('sha1').update(bytes).digest('hex').slice(0, 16)}.${ext}`;
    if (!written.has(path)) writeFileSync(join(dir, path), bytes);
    written.add(path);
    return path;
  };
}

/** Writes the whole site into `dir`, replacing what was there; returns the pages written. */
export function writeManual(dir: string, sources: ManualSources): string[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'assets'), { recursive: true });
  const ctx: FeatureContext = { places: sources.places, run: sources.run, file: attachmentWriter(dir) };
  const pages = sources.chapters.flatMap((c, i) => {
    writeFileSync(join(dir, pageOf(c, i)), chapterPage(sources, ctx, i));
    const own = featuresOf(sources, c).filter(([p]) => p.page !== pageOf(c, i));
    for (const [place, doc] of own) writeFileSync(join(dir, place.page), featurePageHtml(sources, ctx, i, place, doc));
    return [pageOf(c, i), ...own.map(([p]) => p.page)];
  });
  const glossary = termsHtml(sources.terms, sources.places, sources.run.documents);
  writeFileSync(join(dir, 'glossary.html'), shell(sources, 'glossary.html', 'Glossary', glossary, ''));
  const steps = `${phrasesHtml(sources.run)}<div class="prose">${prose(sources.stepGlossary, sources.places.features)}</div>`;
  writeFileSync(join(dir, 'steps.html'), shell(sources, 'steps.html', 'Step glossary', steps, ''));
  for (const asset of ['manual.css', 'manual.js']) copyFileSync(join(ASSETS, asset), join(dir, 'assets', asset));
  copyFileSync(MINISEARCH, join(dir, 'assets', 'minisearch.js'));
  writeFileSync(join(dir, 'assets', 'search-index.js'), searchIndex(sources));
  return [...pages, ...EXTRA_PAGES.map((p) => p.page)];
}
