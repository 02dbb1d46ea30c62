import type { Command } from 'commander';

/** `sysfleet runs`: placeholder until its issue lands. */
export function registerRuns(program: Command): void {
  program
    .command('runs')
    .description('(not yet available)')
    .action(() => {
      throw new Error('sysfleet runs is not implemented yet');
    });
}
