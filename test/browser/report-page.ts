import type { Page } from 'playwright-core';

// What a reader sees in the cucumber HTML report, gathered in the page: every feature expanded, every
// attached picture opened, decoded and measured. The functions passed to page.evaluate run in the
// page, so each stands alone.

/** The few DOM members they use (the project's TypeScript has no DOM library). */
interface DomNode {
  readonly id: string;
  readonly textContent: string | null;
  readonly previousElementSibling: DomNode | null;
  open: boolean;
  querySelector(selector: string): DomNode | null;
  querySelectorAll(selector: string): Iterable<DomNode> & ArrayLike<DomNode>;
  closest(selector: string): DomNode | null;
  dispatchEvent(event: unknown): boolean;
  getBoundingClientRect(): { width: number; height: number };
}
interface DomImage extends DomNode {
  readonly naturalWidth: number;
  readonly naturalHeight: number;
  decode(): Promise<void>;
}
declare const document: DomNode;
declare const Event: new (type: string, init?: { bubbles: boolean }) => unknown;

export interface RenderedFeature {
  /** The file path the report shows on the feature's disclosure button. */
  readonly uri: string;
  /** The heading of the expanded feature, without `Feature: `. */
  readonly name: string;
}

export interface RenderedPicture {
  /** The id of the heading of the scenario (or example row) the picture belongs to. */
  readonly headingId: string;
  readonly title: string;
  readonly width: number;
  readonly height: number;
  readonly naturalWidth: number;
  readonly naturalHeight: number;
}

export interface ReportCensus {
  readonly features: RenderedFeature[];
  readonly pictures: RenderedPicture[];
  /** The report's notes on attachments it could not show: `Couldn't display <media type>`. */
  readonly undisplayed: string[];
}

/** Runs in the page: opens the panel of the feature whose button reads `uri` (every one when null), however long that takes. */
async function expand(uri: string | null): Promise<void> {
  const panels = [...document.querySelectorAll('.react-aria-DisclosurePanel')].filter(
    (p) => uri === null || p.previousElementSibling?.textContent === uri,
  );
  for (const panel of panels) panel.dispatchEvent(new Event('beforematch', { bubbles: true }));
  while (panels.some((p) => !p.querySelector('h1'))) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs in the page: opens the `<details>` of every attached image under `root` and waits until they are decoded. */
async function openImages(root?: DomNode): Promise<number> {
  const images = [...(root ?? document).querySelectorAll('details > img')] as DomImage[];
  for (const img of images) (img.closest('details') as DomNode).open = true;
  await Promise.all(images.map((img) => img.decode().catch(() => undefined)));
  return images.length;
}

/** Runs in the page, once every feature and picture is open: names, pictures and what could not be displayed. */
function census(): ReportCensus {
  const features = [...document.querySelectorAll('.react-aria-DisclosurePanel')].map((p) => ({
    uri: p.previousElementSibling?.textContent ?? '',
    name: (p.querySelector('h1')?.textContent ?? '').replace(/^Feature: /, ''),
  }));
  const pictures = ([...document.querySelectorAll('details > img')] as DomImage[]).map((img) => {
    const section = img.closest('article')?.closest('section');
    const { width, height } = img.getBoundingClientRect();
    return {
      headingId: section?.querySelector(':scope > div > [id]')?.id ?? '',
      title: img.closest('details')?.querySelector('summary')?.textContent ?? '',
      width,
      height,
      naturalWidth: img.naturalWidth,
      naturalHeight: img.naturalHeight,
    };
  });
  const undisplayed = document.querySelector('#report')?.textContent?.match(/Couldn't display \S+/g) ?? [];
  return { features, pictures, undisplayed };
}

/**
 * The report as a reader opens it. Each feature is a collapsed disclosure whose panel is rendered
 * only when opened; a `beforematch` event (what find-in-page sends to `hidden="until-found"`) opens
 * one, far faster than a click. An attached image sits in a closed `<details>`.
 */
export class ReportPage {
  constructor(private readonly page: Page) {}

  async open(reportUrl: string): Promise<void> {
    await this.page.goto(reportUrl);
    await this.page.waitForSelector('.react-aria-DisclosurePanel', { state: 'attached' });
  }

  /** Opens the first feature of the report (the index) and takes a screenshot of the top of the page. */
  async screenshotTop(path: string): Promise<void> {
    const first = await this.page
      .locator('.react-aria-DisclosurePanel')
      .first()
      .evaluate((p: DomNode) => p.previousElementSibling?.textContent ?? '');
    await this.page.evaluate(expand, first);
    await this.page.screenshot({ path, animations: 'disabled' });
  }

  /** Opens one scenario (or example row) with its pictures and takes a screenshot of it. */
  async screenshotScenario(uri: string, headingId: string, path: string): Promise<void> {
    await this.page.evaluate(expand, uri);
    const scenario = this.page.locator(`[id="${headingId}"]`).locator('xpath=ancestor::section[1]');
    await scenario.evaluate(openImages);
    await scenario.screenshot({ path, animations: 'disabled' });
  }

  /** Opens every feature and every picture, then counts what the reader sees (screenshots are cheaper before). */
  async census(): Promise<ReportCensus> {
    await this.page.evaluate(expand, null);
    await this.page.evaluate(openImages, undefined);
    return this.page.evaluate(census);
  }
}
