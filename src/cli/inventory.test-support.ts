/** Runs `sysfleet ARGS` with only the inventory commands registered; what they print. */
import { Command } from 'commander';
import { registerInventory } from './inventory.js';

export async function runInventory(...args: string[]): Promise<string> {
  let out = '';
  const program = new Command('sysfleet').exitOverride();
  registerInventory(program, { out: (t) => (out += t) });
  await program.parseAsync(['node', 'sysfleet', ...args]);
  return out;
}
