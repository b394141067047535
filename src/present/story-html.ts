// The story as one HTML page: the same chapters as the text, each followed by its pictures.
import type { Story } from './story';
import { STORY_INTRO, storyChapters, storyTitle } from './story-text';

/** A picture of the story: an SVG document and what it shows. */
export interface StoryPicture {
  readonly caption: string;
  readonly svg: string;
}

/** Pictures by chapter number (1 = the layout). */
export type StoryPictures = ReadonlyMap<number, readonly StoryPicture[]>;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `
body { font-family: system-ui, sans-serif; max-width: 78rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1d; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
pre { background: #f7f7f5; padding: .8rem 1rem; overflow-x: auto; font-size: .82rem; line-height: 1.35; }
figure { margin: 1.2rem 0; overflow-x: auto; } figcaption { font-size: .9rem; color: #5f6368; margin-bottom: .4rem; }
figure svg { max-width: 100%; height: auto; }
.problems { color: #b8322a; font-weight: bold; }`;

/** An SVG document inlined in HTML: without its XML declaration. */
function inline(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '');
}

function figure(p: StoryPicture): string {
  return `<figure><figcaption>${escapeHtml(p.caption)}</figcaption>\n${inline(p.svg)}\n</figure>`;
}

function chapter(lines: readonly string[], pictures: readonly StoryPicture[]): string {
  const [heading = '', ...body] = lines;
  return [
    `<section>\n<h2>${escapeHtml(heading)}</h2>`,
    `<pre>${escapeHtml(body.join('\n'))}</pre>`,
    ...pictures.map(figure),
    '</section>',
  ].join('\n');
}

/** The first line of the page (a writer can put it down before the rest is built). */
export const HTML_DOCTYPE = '<!DOCTYPE html>';

/** The whole story as a single self-contained HTML page. */
export function storyHtml(s: Story, pictures: StoryPictures = new Map()): string {
  const title = storyTitle(s);
  return [
    HTML_DOCTYPE,
    '<html lang="en">',
    `<head>\n<meta charset="utf-8">\n<title>${escapeHtml(title)}</title>\n<style>${STYLE}\n</style>\n</head>`,
    '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${escapeHtml(STORY_INTRO.join(' '))}</p>`,
    ...storyChapters(s).map((lines, i) => chapter(lines, pictures.get(i + 1) ?? [])),
    ...(s.problems.length ? [`<p class="problems">${escapeHtml(s.problems.join('; '))}</p>`] : []),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
