import type { Command } from '../command';
import { storyCommand } from './story';

/** What runs when no subcommand is given: the story (the layout and the boot dump are `layout` and `dump`). */
export const defaultCommand: Command = {
  ...storyCommand,
  description: `With no subcommand: story, ${storyCommand.summary}.`,
};
