import type { Command } from 'commander';

/** `sysfleet lab`: placeholder until its issue lands. */
export function registerLab(program: Command): void {
  program
    .command('lab')
    .description('(not yet available)')
    .action(() => {
      throw new Error('sysfleet lab is not implemented yet');
    });
}
