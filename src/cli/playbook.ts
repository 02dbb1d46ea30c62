/**
 * `sysfleet playbook import FILE...`: turns the sysctl targets a team already keeps (Ansible
 * ansible.posix.sysctl tasks and roles, sysctl.d .conf files, TuneD profiles) into one sysfleet
 * playbook, printed or written atomically with -o. The playbook is validated before it is
 * written; what could not be carried over is listed in it, and counted on stderr.
 */
import type { Command } from 'commander';
import { importPlaybook } from '../playbook/import/load-import.js';
import { writeFileAtomic } from './write-atomic.js';

export interface PlaybookIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

interface ImportOpts {
  output?: string;
  name?: string;
  persist?: string;
}

export function registerPlaybook(
  program: Command,
  io: PlaybookIo = {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
  },
): void {
  const cmd = program.command('playbook').description('Work with sysfleet playbooks');
  cmd
    .command('import')
    .description(
      'Make a playbook from existing sysctl targets: Ansible playbooks/task files/roles (ansible.posix.sysctl), sysctl.d .conf files, TuneD profiles',
    )
    .argument('<file...>', 'inputs, read in order (a later value for the same key wins)')
    .option('-o, --output <file>', 'write the playbook here (default: print it)')
    .option('--name <name>', 'playbook name (default: from the first input)')
    .option(
      '--persist <basename>',
      'the /etc/sysctl.d file name (default: from the inputs, else 60-imported)',
    )
    .action(async (files: string[], opts: ImportOpts) => {
      const { rendered, playbook } = await importPlaybook(files, {
        ...(opts.name ? { name: opts.name } : {}),
        ...(opts.persist ? { persist: opts.persist } : {}),
        ...(opts.output ? { shownAs: opts.output } : {}),
      });
      if (opts.output) await writeFileAtomic(opts.output, rendered.text);
      else io.out(rendered.text);
      const n = Object.keys(playbook.targets).length;
      const o = playbook.overrides.reduce((s, x) => s + Object.keys(x.targets).length, 0);
      const skipped = rendered.text.split('\n').filter((l) => l.startsWith('# - ')).length;
      io.err(
        `sysfleet: ${n} target(s)${o ? ` and ${o} in ${playbook.overrides.length} override(s)` : ''} imported${
          skipped ? `; ${skipped} thing(s) not carried over (listed at the end)` : ''
        }${opts.output ? `; wrote ${opts.output}` : ''}\n`,
      );
    });
}
