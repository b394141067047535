import type { Command } from '../command';
import { addCommand } from './add';
import { dumpCommand } from './dump';
import { layoutCommand } from './layout';
import { raceCommand } from './race';
import { removeCommand } from './remove';
import { storyCommand } from './story';

/** Every subcommand. A new one is one file in this folder and one line here. */
export const COMMANDS: readonly Command[] = [
  layoutCommand,
  dumpCommand,
  addCommand,
  removeCommand,
  raceCommand,
  storyCommand,
];
