/**
 * `sh` tags the host programs' shell code: String.raw, except that `$\{` stands for `${`
 * (a template literal cannot hold `${` itself). Parameter expansions such as `$\{x#*.}` are what
 * keep the programs free of a `tr`/`sed`/`awk` process per key. A real substitution is a type
 * error (the tag takes no values), so no TypeScript value can slip into a program unvalidated.
 */
export function sh(strings: TemplateStringsArray): string {
  return strings.raw.join('').replaceAll('$\\{', '${');
}
