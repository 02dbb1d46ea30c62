import type { Command } from 'commander';

/** `sysfleet rollback`: placeholder until its issue lands. */
export function registerRollback(program: Command): void {
  program
    .command('rollback')
    .description('(not yet available)')
    .action(() => {
      throw new Error('sysfleet rollback is not implemented yet');
    });
}
