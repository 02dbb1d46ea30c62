import type { Command } from 'commander';

/** `sysfleet facts`: placeholder until its issue lands. */
export function registerFacts(program: Command): void {
  program
    .command('facts')
    .description('(not yet available)')
    .action(() => {
      throw new Error('sysfleet facts is not implemented yet');
    });
}
