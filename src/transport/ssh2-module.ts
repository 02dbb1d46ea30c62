/**
 * ssh2, loaded on the first connection instead of at start-up: it is CommonJS with a dozen
 * modules of its own (crypto, dns, its native-binding probe), ~30 ms that `sysfleet --version`,
 * `--help`, `inventory list` and every parse error paid before. Types come from `import type`.
 */
type Ssh2 = typeof import('ssh2');

let loading: Promise<Ssh2> | undefined;

/** The ssh2 module (its module.exports: ESM sees `Client` but not `utils` as named exports). */
export function ssh2Module(): Promise<Ssh2> {
  loading ??= import('ssh2').then((m) => ((m as { default?: Ssh2 }).default ?? m) as Ssh2);
  return loading;
}
