/**
 * sysfleet's command line: parses it with commander and hands each command to its own file in
 * src/cli/. Every command prints --help; `sysfleet --version` prints the version. Started by
 * src/cli/main.ts (the executable), from the bundle `npm run build` makes of this module.
 */
import { ERROR_EXIT } from '../run/exit-codes.js';
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { registerLab } from './lab.js';
import { registerInventory } from './inventory.js';
import { registerFacts } from './facts.js';
import { registerCheck } from './check.js';
import { registerApply } from './apply.js';
import { registerRollback } from './rollback.js';
import { registerRuns } from './runs.js';
import { registerReport } from './report.js';
import { registerPlaybook } from './playbook.js';

export function buildProgram(): Command {
  const program = new Command('sysfleet')
    .description(
      'Agentless fleet remediation for Linux kernel network settings: check, apply with rollback snapshots, roll back.',
    )
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false });
  registerCheck(program);
  registerApply(program);
  registerRollback(program);
  registerRuns(program);
  registerReport(program);
  registerFacts(program);
  registerInventory(program);
  registerPlaybook(program);
  registerLab(program);
  return program;
}

export async function runCli(): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; usage errors exit 64 (EX_USAGE)... but Nagios wants 3 for unknown.
      process.exitCode = err.exitCode === 0 ? 0 : ERROR_EXIT;
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`sysfleet: ${message}\n`);
    process.exitCode = ERROR_EXIT;
  }
}
