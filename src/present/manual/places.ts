// Where everything lives in the manual: the page of each chapter, a permalink (anchor) for every
// feature, Rule, scenario and example row, derived from their names; and the links between the
// index's claims and the Rules that check them, read from the index's own tables.
import type { Feature, GherkinDocument, Rule, Scenario, Step } from '@cucumber/messages';
import type { Chapter } from './chapters';

export interface Place {
  readonly page: string;
  readonly anchor: string;
}

export const href = (p: Place): string => `${p.page}#${p.anchor}`;

/** A feature as the manual lists it. */
export interface FeaturePlace extends Place {
  readonly uri: string;
  readonly title: string;
  readonly chapter: Chapter;
}

/** A claim of the index, linked both ways with the Rules that check it. */
export interface ClaimLink {
  readonly claim: Place & { readonly title: string };
  readonly rule: Place & { readonly title: string };
  /** The title of the feature the Rule belongs to. */
  readonly feature: string;
}

export interface Places {
  readonly chapters: readonly Chapter[];
  readonly features: ReadonlyMap<string, FeaturePlace>;
  /** Rules, scenarios and example rows, by the id of their Gherkin node. */
  readonly nodes: ReadonlyMap<string, Place>;
  /** Feature and Rule name → the Rule's node id. */
  readonly rules: ReadonlyMap<string, string>;
  readonly claims: readonly ClaimLink[];
  /** References in the index that name no feature or Rule of the manual. */
  readonly unresolved: readonly string[];
}

export const FEATURES_DIR = 'features';

/** The page of the index-th chapter: the first is the site's index. */
export function pageOf(chapter: Chapter, index: number): string {
  return index === 0 ? 'index.html' : `${chapter.id}.html`;
}

/** A chapter of one feature holds it; a longer chapter opens with a summary and gives each feature a page. */
export function featurePage(chapter: Chapter, index: number, anchor: string): string {
  return chapter.features.length === 1 ? pageOf(chapter, index) : `${anchor}.html`;
}

/** A readable anchor: lowercase words joined by dashes, cut at a word boundary. */
export function slug(text: string, max = 60): string {
  const words = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ');
  let out = words[0] ?? '';
  for (const w of words.slice(1)) {
    if (out.length + 1 + w.length > max) break;
    out += `-${w}`;
  }
  return out || 'section';
}

const ruleKey = (uri: string, rule: string): string => `${uri}\u0000${rule}`;

/** The scenarios of a feature or a Rule, with the Rules themselves. */
function children(feature: Feature): { rules: Rule[]; scenarios: Scenario[] } {
  const rules = feature.children.flatMap((c) => (c.rule ? [c.rule] : []));
  const scenarios = [
    ...feature.children.flatMap((c) => (c.scenario ? [c.scenario] : [])),
    ...rules.flatMap((r) => r.children.flatMap((c) => (c.scenario ? [c.scenario] : []))),
  ];
  return { rules, scenarios };
}

export function placesOf(chapters: readonly Chapter[], documents: ReadonlyMap<string, GherkinDocument>): Places {
  const used = new Set<string>();
  const unique = (anchor: string): string => {
    let a = anchor;
    for (let n = 2; used.has(a); n++) a = `${anchor}-${n}`;
    used.add(a);
    return a;
  };
  const features = new Map<string, FeaturePlace>();
  const nodes = new Map<string, Place>();
  const rules = new Map<string, string>();
  chapters.forEach((chapter, i) => {
    for (const file of chapter.features) {
      const uri = `${FEATURES_DIR}/${file}`;
      const feature = documents.get(uri)?.feature;
      if (!feature) continue;
      const anchor = unique(slug(file.replace(/^.*\//, '').replace(/\.feature$/, '')));
      const page = featurePage(chapter, i, anchor);
      features.set(uri, { uri, title: feature.name, chapter, page, anchor });
      const { rules: ruleNodes, scenarios } = children(feature);
      for (const r of ruleNodes) {
        nodes.set(r.id, { page, anchor: unique(`${anchor}--${slug(r.name)}`) });
        rules.set(ruleKey(uri, r.name), r.id);
      }
      for (const s of scenarios) {
        const place = { page, anchor: unique(`${anchor}--${slug(s.name)}`) };
        nodes.set(s.id, place);
        const rows = s.examples.flatMap((e) => e.tableBody);
        rows.forEach((row, n) => {
          nodes.set(row.id, { page, anchor: unique(`${place.anchor}--row-${n + 1}`) });
        });
      }
    }
  });
  const places = { chapters, features, nodes, rules };
  return { ...places, ...claimLinks(places, documents) };
}

/** The steps of a Rule's scenarios whose data table has a `feature` and a `rule` column: a claim's references. */
function claimTables(rule: Rule): Step[] {
  return rule.children.flatMap((c) =>
    (c.scenario?.steps ?? []).filter((s) => {
      const header = s.dataTable?.rows[0]?.cells.map((cell) => cell.value) ?? [];
      return header.includes('feature') && header.includes('rule');
    }),
  );
}

/** The Rule a (feature file, Rule name) row of the index names, if the manual has it. */
export function ruleNamed(
  places: Pick<Places, 'features' | 'rules' | 'nodes'>,
  file: string,
  rule: string,
): (Place & { title: string }) | undefined {
  const id = places.rules.get(ruleKey(`${FEATURES_DIR}/${file}`, rule));
  const place = id === undefined ? undefined : places.nodes.get(id);
  return place && { ...place, title: rule };
}

function claimLinks(
  places: Pick<Places, 'features' | 'rules' | 'nodes'>,
  documents: ReadonlyMap<string, GherkinDocument>,
): { claims: ClaimLink[]; unresolved: string[] } {
  const claims: ClaimLink[] = [];
  const unresolved: string[] = [];
  for (const [uri, doc] of documents) {
    for (const claimRule of doc.feature ? children(doc.feature).rules : []) {
      const claimPlace = places.nodes.get(claimRule.id);
      if (!claimPlace) continue;
      for (const step of claimTables(claimRule)) {
        const [header, ...body] = step.dataTable?.rows.map((r) => r.cells.map((c) => c.value)) ?? [];
        const col = (name: string): number => header?.indexOf(name) ?? -1;
        for (const row of body) {
          const file = row[col('feature')] ?? '';
          const name = row[col('rule')] ?? '';
          const rule = ruleNamed(places, file, name);
          const feature = places.features.get(`${FEATURES_DIR}/${file}`);
          if (rule && feature)
            claims.push({ claim: { ...claimPlace, title: claimRule.name }, rule, feature: feature.title });
          else unresolved.push(`${uri}: "${claimRule.name}" names ${file}: "${name}"`);
        }
      }
    }
  }
  return { claims, unresolved };
}
