/**
 * The stripped program must be the same program: each case is run by dash, bash and busybox sh
 * (the shells hosts have) before and after stripping, and their outputs compared — the shells,
 * not this test, decide what is a comment.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stripShellComments } from './shell-strip.js';

const SHELLS = [['dash'], ['bash', '--posix'], ['busybox', 'sh']].filter(([p]) =>
  ['/usr/bin/', '/bin/'].some((d) => existsSync(d + p!)),
);

function run(shell: string[], script: string): string {
  const r = spawnSync(shell[0]!, [...shell.slice(1), '-s'], {
    input: script,
    encoding: 'utf8',
    timeout: 10_000,
  });
  return `${r.status}\n${r.stdout}\n${r.stderr}`;
}

const CASES: Record<string, string> = {
  'comment lines and blank lines': '# a comment\n\n  # indented\necho one # trailing\necho two\n',
  'a # inside quotes spanning lines':
    "printf '%s\\n' 'first\n# not a comment\nlast'\necho \"x\n  # kept too\ny\"\n",
  'here-documents keep their # lines':
    "cat <<EOF\n# kept\n  # kept\nEOF\ncat <<'Q'\n# $kept\nQ\ncat <<-T\n\t# kept\n\tT\n# dropped\necho end\n",
  'two here-documents on one line': 'paste - - <<A 3<<B\n# a\nA\n# b\nB\necho done\n',
  '$# and ${#x} are not comments': 'set -- a b\nx=abc\necho $# ${#x}\n',
  'escaped quote and escaped hash': 'echo it\\\'s \\# here\n# gone\necho "a \\" # b"\n',
  'heredoc operator inside a string is not one': "echo '<<EOF'\n# gone\necho after\n",
};

describe('stripShellComments', () => {
  it('has shells to ask', () => {
    expect(SHELLS.length).toBeGreaterThan(0);
    if (process.env['CI']) expect(SHELLS.length).toBe(3);
  });

  for (const [name, script] of Object.entries(CASES)) {
    it(`${name}: every shell prints the same before and after`, () => {
      const stripped = stripShellComments(script);
      for (const sh of SHELLS) expect(run(sh, stripped), sh.join(' ')).toBe(run(sh, script));
    });
  }

  it('drops whole comment lines and blank lines outside strings and here-documents only', () => {
    expect(stripShellComments('# a\n\necho x # y\n  # b\n')).toBe('echo x # y\n');
    expect(stripShellComments('cat <<E\n# a\n\nE\n# b\n')).toBe('cat <<E\n# a\n\nE\n');
    expect(stripShellComments("echo 'a\n# b\n\nc'\n")).toBe("echo 'a\n# b\n\nc'\n");
  });

  it('every shipped host program still parses after stripping (dash -n) and loses its comments', () => {
    const dirs = [
      new URL('../facts/', import.meta.url),
      new URL('../apply/host/', import.meta.url),
    ];
    const files = dirs.flatMap((d) =>
      readdirSync(d)
        .filter((f) => f.endsWith('.sh'))
        .map((f) => new URL(f, d)),
    );
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const stripped = stripShellComments(text);
      const check = spawnSync('dash', ['-n'], {
        input: stripped,
        encoding: 'utf8',
        timeout: 10_000,
      });
      expect(check.status, `${f.pathname}: ${check.stderr}`).toBe(0);
      expect(stripped.length).toBeLessThan(text.length);
      expect(
        stripped.split('\n').filter((l) => /^\s*#/.test(l) && !l.includes('SYSFLEET')).length,
      ).toBe(0);
    }
  });
});
