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
declare const Image: new () => DomImage & { src: string };
declare const window: { innerHeight: number; location: { hash: string } };

export interface PageCensus {
  /** Where the pager's "next" link leads, if there is one. */
  readonly next?: string;
  /** Every href of the page, as written. */
  readonly links: string[];
  /** Every picture's address, resolved. */
  readonly images: string[];
  /** Pictures not marked loading="lazy". */
  readonly eager: string[];
}

/** Runs in the page: every link and every picture, folded away or not. */
function pageCensus(): PageCensus {
  const links = [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href') ?? '');
  const images = [...document.querySelectorAll('img')] as DomImage[];
  const eager = images.filter((img) => img.getAttribute('loading') !== 'lazy').map((img) => img.src);
  const next = document.querySelector('footer.pager a[rel="next"]')?.getAttribute('href') ?? undefined;
  return { next, links, images: images.map((img) => img.src), eager };
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

  census(): Promise<PageCensus> {
    return this.page.evaluate(pageCensus);
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
