import type { Command } from 'commander';

/** `sysfleet inventory`: placeholder until its issue lands. */
export function registerInventory(program: Command): void {
  program
    .command('inventory')
    .description('(not yet available)')
    .action(() => {
      throw new Error('sysfleet inventory is not implemented yet');
    });
}
