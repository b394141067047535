// The domain glossary (features/terms.json): one term per concept, its definition, the words the
// manual does not use for it, and the features that use it, found in their Gherkin text.
import type { Feature, GherkinDocument } from '@cucumber/messages';
import { type FeaturePlace, href, type Places, slug } from './places';
import { escapeHtml as esc, prose } from './prose';

export const TERMS_PATH = 'features/terms.json';

export interface Term {
  readonly term: string;
  /** The words a feature uses for it (whole words, any case). */
  readonly forms: readonly string[];
  /** Synonyms the manual does not use for it. */
  readonly avoid?: readonly string[];
  /** Markdown. */
  readonly definition: string;
}

export type Terms = readonly Term[];

export function parseTerms(json: string): Terms {
  return (JSON.parse(json) as { terms: Term[] }).terms;
}

/** Everything a reader reads in a feature: names, descriptions, steps, tables. */
export function featureText(feature: Feature): string {
  const parts: string[] = [feature.name, feature.description];
  const scenarioText = (s: { name: string; description: string; steps: readonly { text: string }[] }): void => {
    parts.push(s.name, s.description, ...s.steps.map((st) => st.text));
  };
  for (const c of feature.children) {
    if (c.scenario) scenarioText(c.scenario);
    if (c.background) scenarioText(c.background);
    if (c.rule) {
      parts.push(c.rule.name, c.rule.description);
      for (const rc of c.rule.children) {
        if (rc.scenario) scenarioText(rc.scenario);
        if (rc.background) scenarioText(rc.background);
      }
    }
  }
  return parts.join('\n');
}

const literally = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A whole-word, case-insensitive match of any of the words. */
export function wordsPattern(words: readonly string[]): RegExp {
  return new RegExp(`(?<![\\w-])(?:${words.map(literally).join('|')})(?![\\w-])`, 'i');
}

/** The features, in reading order, whose text uses one of the term's forms. */
export function featuresUsing(
  term: Term,
  places: Places,
  documents: ReadonlyMap<string, GherkinDocument>,
): FeaturePlace[] {
  const pattern = wordsPattern(term.forms);
  return [...places.features.values()].filter((p) => {
    const feature = documents.get(p.uri)?.feature;
    return feature !== undefined && pattern.test(featureText(feature));
  });
}

export function termsHtml(terms: Terms, places: Places, documents: ReadonlyMap<string, GherkinDocument>): string {
  const entries = [...terms]
    .sort((a, b) => a.term.localeCompare(b.term))
    .map((t) => {
      const uses = featuresUsing(t, places, documents);
      const avoid = t.avoid?.length
        ? `<p class="avoid">Not: ${t.avoid.map((w) => `<em>${esc(w)}</em>`).join(', ')}</p>`
        : '';
      const list = uses.map((p) => `<li><a href="${href(p)}">${esc(p.title)}</a></li>`).join('');
      return `<dt id="term-${slug(t.term)}">${esc(t.term)}</dt><dd><div class="prose">${prose(t.definition, places.features)}</div>${avoid}<details><summary>Used in ${uses.length} feature${uses.length === 1 ? '' : 's'}</summary><ul>${list}</ul></details></dd>`;
    });
  return `<h1>Glossary</h1><p>One term per concept, as the features use it.</p><dl class="glossary">${entries.join('')}</dl>`;
}
