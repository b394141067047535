// The prose of the manual: Gherkin descriptions and the chapters' intros as Markdown (marked), with
// each mention of a feature file turned into a link to that feature under its title.
import { Marked } from 'marked';
import { FEATURES_DIR, type FeaturePlace, href } from './places';

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A description as Gherkin keeps it, indented as in the file: without the indentation all its lines share. */
export function dedent(text: string): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0);
  const common = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(common)).join('\n');
}

/** A feature file named in the text, outside code spans and link targets. */
const FEATURE_FILE = /(?<![\w/(`-])(?:[\w-]+\/)?[\w-]+\.feature\b/g;

/** The feature a mention such as `clear-invalidate-free-order.feature` or `hot-remove/x.feature` names. */
export function featureMentioned(
  features: ReadonlyMap<string, FeaturePlace>,
  mention: string,
): FeaturePlace | undefined {
  const exact = features.get(`${FEATURES_DIR}/${mention}`);
  if (exact) return exact;
  const named = [...features.values()].filter((f) => f.uri.endsWith(`/${mention}`));
  return named.length === 1 ? named[0] : undefined;
}

const renderers = new WeakMap<ReadonlyMap<string, FeaturePlace>, Marked>();

/**
 * A Markdown renderer whose links to feature files lead to the features in the manual, and whose
 * links to other files of the repository (step definitions, sources) keep their text but not the link.
 */
function markdown(features: ReadonlyMap<string, FeaturePlace>): Marked {
  let marked = renderers.get(features);
  if (marked) return marked;
  marked = new Marked({ gfm: true });
  marked.use({
    renderer: {
      link({ href: target, tokens }) {
        const text = this.parser.parseInline(tokens);
        if (/^(?:[a-z]+:|#)/i.test(target) || /\.html(?:#|$)/.test(target)) return false;
        const feature = featureMentioned(features, target.replace(/^(?:\.\.\/)*(?:features\/)?/, ''));
        return feature ? `<a href="${href(feature)}">${text}</a>` : text;
      },
    },
  });
  renderers.set(features, marked);
  return marked;
}

/** Markdown to HTML; feature files mentioned in it become links to the features, under their titles. */
export function prose(text: string, features: ReadonlyMap<string, FeaturePlace>): string {
  const linked = dedent(text).replace(FEATURE_FILE, (mention) => {
    const f = featureMentioned(features, mention);
    return f ? `[${f.title}](${href(f)})` : mention;
  });
  return markdown(features).parse(linked, { async: false });
}
