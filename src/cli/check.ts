import type { Command } from 'commander';

/** `sysfleet check`: placeholder until its issue lands. */
export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('(not yet available)')
    .action(() => {
      throw new Error('sysfleet check is not implemented yet');
    });
}
