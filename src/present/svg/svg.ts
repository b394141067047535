/** Building blocks of the pictures: escaped text, elements, word wrapping, one document shape. */

export const SANS = 'sans-serif';
export const MONO = 'monospace';

/** Average glyph width as a fraction of the font size, to size boxes without measuring text. */
const GLYPH = { sans: 0.56, mono: 0.61 } as const;

export type Attrs = Readonly<Record<string, string | number | undefined>>;

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Numbers with at most one decimal, so coordinates stay short. */
function value(v: string | number): string {
  return typeof v === 'number' ? String(Math.round(v * 10) / 10) : escapeXml(v);
}

function attributes(attrs: Attrs): string {
  return Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${value(v as string | number)}"`)
    .join('');
}

/** One element; self-closing when it has no content. */
export function el(tag: string, attrs: Attrs, ...content: string[]): string {
  const body = content.join('');
  return body ? `<${tag}${attributes(attrs)}>${body}</${tag}>` : `<${tag}${attributes(attrs)}/>`;
}

/** A text element with its content escaped. */
export function text(x: number, y: number, content: string, attrs: Attrs = {}): string {
  return el('text', { x, y, ...attrs }, escapeXml(content));
}

/** Estimated width in pixels of a line of text. */
export function textWidth(content: string, size: number, family: keyof typeof GLYPH = 'sans'): number {
  return content.length * size * GLYPH[family];
}

/** How many characters fit in a width at a font size. */
export function charsIn(width: number, size: number, family: keyof typeof GLYPH = 'sans'): number {
  return Math.max(1, Math.floor(width / (size * GLYPH[family])));
}

/** Greedy word wrap to lines of at most `max` characters (a longer word gets a line of its own). */
export function wrap(content: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of content.split(' ')) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** A standalone SVG document with explicit size and viewBox, generic fonts and a white background. */
export function svgDocument(width: number, height: number, title: string, body: string[]): string {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="${SANS}">`,
    el('title', {}, escapeXml(title)),
    el('rect', { width: w, height: h, fill: '#ffffff' }),
    ...body,
    '</svg>',
  ].join('\n');
}
