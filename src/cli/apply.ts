import type { Command } from 'commander';

/** `sysfleet apply`: placeholder until its issue lands. */
export function registerApply(program: Command): void {
  program
    .command('apply')
    .description('(not yet available)')
    .action(() => {
      throw new Error('sysfleet apply is not implemented yet');
    });
}
