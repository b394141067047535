import type { Page } from 'playwright-core';

// What a reader of the manual (reports/manual/) meets on one page, gathered in the page. The
// functions passed to page.evaluate run in the page, so each stands alone.

/** The few DOM members they use (the project's TypeScript has no DOM library). */
interface DomElement {
  readonly id: string;
  readonly className: string;
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement> & Iterable<DomElement>;
  closest(selector: string): DomElement | null;
  getBoundingClientRect(): { top: number; width: number; height: number };
}
interface DomImage extends DomElement {
  readonly naturalWidth: number;
  readonly naturalHeight: number;
  src: string;
  decode(): Promise<void>;
}
declare const document: DomElement;
declare const DOMParser: new () => { parseFromString(html: string, type: 'text/html'): DomElement };
declare const Image: new () => DomImage & { src: string };
declare const window: { innerHeight: number; location: { hash: string } };

export interface PageCensus {
  /** Where the pager's "next" link leads, if there is one. */
  readonly next?: string;
  /** Every link of the page as written: anchors, its stylesheet and its scripts. */
  readonly links: string[];
  /** Every picture's address, resolved. */
  readonly images: string[];
  /** Pictures not marked loading="lazy". */
  readonly eager: string[];
}

/** The address of any page of the manual (the others are beside it), the first page, and the pages the pager does not lead to. */
interface PagesToRead {
  readonly base: string;
  readonly first: string;
  readonly extra: string[];
}

/**
 * Runs in the page: fetches each page of the manual, starting at `first`, parses it with the browser's
 * own HTML parser and follows its pager's "next" link, then reads `extra`; for each, every link and
 * every picture, folded away or not, resolved against the page's own address. Pages are read without
 * being opened one by one: a navigation cost 110–150 ms, a fetch and a parse a tenth of that.
 */
async function readPages({ base, first, extra }: PagesToRead): Promise<[string, PageCensus][]> {
  const read = new Map<string, PageCensus>();
  const census = async (page: string): Promise<PageCensus> => {
    const url = new URL(page, base).href;
    // A page that is missing makes the fetch fail, and the read with it.
    const doc = new DOMParser().parseFromString(await (await fetch(url)).text(), 'text/html');
    const resolve = (src: string) => new URL(src, url).href;
    const links = [...doc.querySelectorAll('a[href], link[href]')].map((a) => a.getAttribute('href') ?? '');
    const scripts = [...doc.querySelectorAll('script[src]')].map((s) => s.getAttribute('src') ?? '');
    const images = [...doc.querySelectorAll('img')];
    const eager = images.filter((img) => img.getAttribute('loading') !== 'lazy');
    const next = doc.querySelector('footer.pager a[rel="next"]')?.getAttribute('href') ?? undefined;
    return {
      next,
      links: [...links, ...scripts],
      images: images.map((img) => resolve(img.getAttribute('src') ?? '')),
      eager: eager.map((img) => resolve(img.getAttribute('src') ?? '')),
    };
  };
  for (let next: string | undefined = first; next && !read.has(next); next = read.get(next)?.next) {
    read.set(next, await census(next));
  }
  for (const page of extra) read.set(page, await census(page));
  return [...read];
}

/** Runs in the page: loads and decodes each picture; returns those that fail or decode to nothing. */
async function blankPictures(sources: string[]): Promise<string[]> {
  const blank = await Promise.all(
    sources.map(async (src) => {
      const img = new Image();
      img.src = src;
      await img.decode().catch(() => undefined);
      return img.naturalWidth > 0 && img.naturalHeight > 0 ? [] : [src];
    }),
  );
  return blank.flat();
}

/** The element a link's hash names, as the reader lands on it. */
export interface Landing {
  readonly id: string;
  readonly className: string;
  /** A Rule's name, from its heading. */
  readonly heading: string;
  /** Where its "Checks the claim" links lead. */
  readonly claims: string[];
  readonly inView: boolean;
}

/** Runs in the page: the element the URL's hash names. */
function landing(): Landing | null {
  const id = decodeURIComponent(window.location.hash.slice(1));
  const target = document.querySelector(`[id="${id}"]`);
  if (!target) return null;
  const top = target.getBoundingClientRect().top;
  return {
    id,
    className: target.className,
    heading: (target.querySelector('h3')?.textContent ?? '').replace(/^Rule:\s*/, '').replace(/\s*#$/, ''),
    claims: [...target.querySelectorAll(':scope > .claims a.claim-link')].map((a) => a.getAttribute('href') ?? ''),
    inView: top >= 0 && top < window.innerHeight,
  };
}

export class ManualPage {
  constructor(readonly page: Page) {}

  /** Goes to a page of the manual; its document is parsed and its scripts have run (lazy pictures may still load). */
  async open(url: string): Promise<void> {
    await this.page.goto(url, { waitUntil: 'domcontentloaded' });
  }

  /** The chapter titles of the navigation, in order. */
  chapters(): Promise<string[]> {
    return this.page.locator('nav.chapters > ol > li > a.chapter').allTextContents();
  }

  /** Reads the manual front to back by the pager, then the extra pages: page → census, in the order read. */
  async readPages(pages: PagesToRead): Promise<Map<string, PageCensus>> {
    return new Map(await this.page.evaluate(readPages, pages));
  }

  /** Loads each picture in this page's origin; returns those that do not decode at a non-zero size. */
  blankPictures(sources: string[]): Promise<string[]> {
    return this.page.evaluate(blankPictures, sources);
  }

  landing(): Promise<Landing | null> {
    return this.page.evaluate(landing);
  }

  /** Types into the search box and reads the results: kind, title and link of each. */
  async search(query: string): Promise<{ kind: string; title: string; href: string }[]> {
    await this.page.fill('#search', query);
    await this.page.locator('#search-results li').first().waitFor();
    const hits = this.page.locator('#search-results li a');
    return hits.evaluateAll((links: DomElement[]) =>
      links.map((a) => ({
        kind: (a.querySelector('.kind')?.textContent ?? '').replace(/:\s*$/, ''),
        title: [...(a as unknown as { childNodes: Iterable<{ nodeType: number; textContent: string }> }).childNodes]
          .filter((n) => n.nodeType === 3)
          .map((n) => n.textContent)
          .join(''),
        href: a.getAttribute('href') ?? '',
      })),
    );
  }
}
