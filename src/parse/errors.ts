/**
 * Errors a user can cause in an inventory, playbook or ssh_config: each names the file, line and
 * column, says what was expected and, when we can guess, how to fix it. Loaders collect every
 * error of a file in one pass and throw one aggregate `ModelErrors`; nothing partial is returned.
 */

export interface ModelError {
  file: string;
  /** 1-based; 0 when the error is about the whole file. */
  line: number;
  /** 1-based; 0 when the error is about a whole line or file. */
  col: number;
  message: string;
  /** A suggestion, e.g. `did you mean "net.ipv4.tcp_keepalive_time"?` */
  hint?: string;
}

/** `file:line:col: message — hint` (line/col omitted when unknown), one line per error. */
export function formatModelError(e: ModelError): string {
  const where =
    e.line > 0 ? (e.col > 0 ? `${e.file}:${e.line}:${e.col}` : `${e.file}:${e.line}`) : e.file;
  return `${where}: ${e.message}${e.hint ? ` — ${e.hint}` : ''}`;
}

/** Sorts errors by file, line, column so output is stable whatever order checks ran in. */
export function sortModelErrors(errors: readonly ModelError[]): ModelError[] {
  return [...errors].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.col - b.col,
  );
}

/** Errors shown in `.message` (all of them are in `.errors` and `.format()`). */
const MESSAGE_LIMIT = 50;

export class ModelErrors extends Error {
  readonly errors: ModelError[];

  constructor(errors: readonly ModelError[]) {
    const sorted = sortModelErrors(errors);
    super(
      sorted.length === 1
        ? formatModelError(sorted[0]!)
        : `${sorted.length} errors:\n${sorted.slice(0, MESSAGE_LIMIT).map(formatModelError).join('\n')}${
            sorted.length > MESSAGE_LIMIT ? `\n... and ${sorted.length - MESSAGE_LIMIT} more` : ''
          }`,
    );
    this.name = 'ModelErrors';
    this.errors = sorted;
  }

  /** Every error, one per line, sorted by position. */
  format(): string {
    return this.errors.map(formatModelError).join('\n');
  }
}

/** Throws one aggregate error when `errors` is not empty. */
export function throwIfAny(errors: readonly ModelError[]): void {
  if (errors.length > 0) throw new ModelErrors(errors);
}
