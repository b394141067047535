import { buildStory, type Progress, type Story } from '../../present/story';
import { HTML_DOCTYPE, storyHtml } from '../../present/story-html';
import { storyPictures } from '../../present/story-pictures';
import { storyText } from '../../present/story-text';
import { type Command, EXIT, type Io } from '../command';
import { finishOutput, openOutput } from '../output';

/** Exit code of a story: 1 when v5.7 as merged left a table behind, broke an invariant or lost a race. */
export function storyExitCode(story: Story): number {
  return story.problems.length ? EXIT.violation : EXIT.ok;
}

/** Progress of the explorations on stderr: one line each, or one line rewritten in place on a terminal. */
function progress(io: Io, mode: 'lines' | 'terminal' | 'off'): ((p: Progress) => void) | undefined {
  if (mode === 'off') return undefined;
  return (p) => {
    const text = `exploring ${p.index + 1}/${p.total}: ${p.scenario}`;
    io.err(mode === 'lines' ? `${text}\n` : `\r\x1b[K${text}`);
  };
}

/** `story`: what `npm start` runs with no subcommand. */
export const storyCommand: Command = {
  name: 'story',
  summary: 'the whole story on 4K/48: boot, hot-add, vmalloc, hot-remove under each policy, the races',
  description:
    'Tells the story of the thread on the model, 4K pages / 48-bit VA, Linux v5.7: the layout and where\n' +
    'vmalloc shares a table with vmemmap; a boot; two sections hot-added; a vmalloc into the shared table;\n' +
    'one section hot-removed under every table-freeing policy, with what each freed and kept and why; the\n' +
    'races with vmalloc, a cached walk and ptdump, every interleaving explored; and the verdict. Exit code 1\n' +
    'if v5.7 as merged left a table behind, broke an invariant or lost a race.',
  options: [
    { name: 'html', value: 'FILE', help: 'also write the story with its pictures as one HTML page' },
    { name: 'json', help: 'print the story as JSON instead of text' },
    { name: 'progress', help: 'one line on stderr per exploration (on a terminal one line is rewritten anyway)' },
  ],
  run(args, io) {
    const mode = args.flags.has('progress') ? 'lines' : process.stderr.isTTY ? 'terminal' : 'off';
    const html = args.values.get('html');
    const page = html === undefined ? undefined : openOutput('html', html, `${HTML_DOCTYPE}\n`);
    const { story, scenes } = buildStory({ onProgress: progress(io, mode), scenes: page !== undefined });
    if (mode === 'terminal') io.err('\r\x1b[K');
    if (page !== undefined && scenes) finishOutput(page, storyHtml(story, storyPictures(scenes)));
    io.out(args.flags.has('json') ? `${JSON.stringify(story, null, 2)}\n` : storyText(story));
    return storyExitCode(story);
  },
};
