// The weight of the manual: what a reader downloads to read one page to the end (the page, and each
// picture, stylesheet and script it refers to, once), and the whole site on disk.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** No page over 2 MB with everything it loads; the whole site under 30 MB. */
export const BUDGET = { page: 2 * 1024 * 1024, site: 30 * 1024 * 1024 } as const;

export interface PageWeight {
  readonly page: string;
  /** The HTML alone. */
  readonly html: number;
  /** The HTML and every local file it refers to, each counted once. */
  readonly total: number;
}

export interface SiteWeight {
  /** Heaviest first. */
  readonly pages: readonly PageWeight[];
  readonly site: number;
  readonly files: number;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** The local files a page refers to (src, href, and the search box's data-src and data-engine); other pages are not loaded with it. */
function resources(dir: string, page: string): string[] {
  const html = readFileSync(join(dir, page), 'utf8');
  const refs = [...html.matchAll(/\b(?:src|href|data-src|data-engine)="([^"#?]+)[^"]*"/g)].map((m) => m[1] ?? '');
  const local = refs.filter((r) => !/^[a-z]+:/i.test(r) && !r.endsWith('.html'));
  return [...new Set(local.map((r) => join(dirname(page), r)))];
}

export function siteWeight(dir: string): SiteWeight {
  const files = filesUnder(dir);
  const size = (f: string): number => statSync(f).size;
  const pages = files
    .filter((f) => f.endsWith('.html'))
    .map((f) => {
      const page = relative(dir, f);
      const html = size(f);
      const total = resources(dir, page).reduce((n, r) => n + size(join(dir, r)), html);
      return { page, html, total };
    })
    .sort((a, b) => b.total - a.total);
  return { pages, site: files.reduce((n, f) => n + size(f), 0), files: files.length };
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

/** One line per figure; the problems are the budget's breaches (none when empty). */
export function weightReport(w: SiteWeight): { lines: string[]; problems: string[] } {
  const largest = w.pages[0];
  const lines = [
    largest
      ? `largest page: ${largest.page}, ${mb(largest.total)} with its pictures (${mb(largest.html)} of HTML)`
      : 'no pages',
    `site: ${mb(w.site)} in ${w.files} files`,
  ];
  const problems = [
    ...w.pages
      .filter((p) => p.total > BUDGET.page)
      .map((p) => `${p.page} weighs ${mb(p.total)} (budget ${mb(BUDGET.page)})`),
    ...(w.site > BUDGET.site ? [`the site weighs ${mb(w.site)} (budget ${mb(BUDGET.site)})`] : []),
  ];
  return { lines, problems };
}
