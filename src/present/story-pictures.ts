// The story's pictures: the tree around the vmalloc, each policy's removal per caller, each race lost.
import { kvaHex } from '../arch/address';
import type { StoryScenes } from './story';
import type { StoryPicture, StoryPictures } from './story-html';
import { raceDiagram } from './svg/race-diagram';
import { treePicture } from './svg/tree-picture';

/** Chapters of the story that carry pictures (see storyChapters). */
const CHAPTER = { vmalloc: 4, removals: 5, races: 6 } as const;

function vmallocPicture(s: StoryScenes): StoryPicture {
  const { before, after, start, end } = s.vmalloc;
  const title = `vmalloc of one page at ${kvaHex(after.geo, start)}, through the shared table`;
  return { caption: title, svg: treePicture(before, after, { title, start, end, rangeLabel: 'vmalloc’ed' }) };
}

function removalPictures(s: StoryScenes): StoryPicture[] {
  return s.removals.flatMap(({ policy, before, after, parts }) =>
    parts.map((part) => {
      const title = `${policy}: ${part.caller} [${kvaHex(after.geo, part.start)}, ${kvaHex(after.geo, part.end)})`;
      return {
        caption: title,
        svg: treePicture(before, after, {
          title,
          start: part.start,
          end: part.end,
          bounds: { floor: part.floor, ceiling: part.ceiling },
          decisions: part.decisions,
        }),
      };
    }),
  );
}

function racePictures(s: StoryScenes): StoryPicture[] {
  return s.races
    .filter(({ run }) => run.violation)
    .map(({ run, exploration }) => ({
      caption: `${run.scenario}, policy ${run.policy}: ${run.violation}`,
      svg: raceDiagram(exploration),
    }));
}

/** Every picture of the story, by chapter. */
export function storyPictures(s: StoryScenes): StoryPictures {
  return new Map([
    [CHAPTER.vmalloc, [vmallocPicture(s)]],
    [CHAPTER.removals, removalPictures(s)],
    [CHAPTER.races, racePictures(s)],
  ]);
}
