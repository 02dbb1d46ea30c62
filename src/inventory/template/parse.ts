/**
 * The Jinja subset inventories use, parsed into a small AST: `{{ expr }}` blocks in text, with
 * variable references (`a`, `a.b`, `a['b']`, `hostvars[inventory_hostname].x`), string/number/
 * boolean literals, `~` and `+`, filters (`x | lower`, `x | default('y', true)`) and the one call
 * inventories make, `lookup('env', 'NAME')`. Anything else (`{% %}` statements, other calls,
 * attribute access to dunder names) is a TemplateError: nothing here can run code. Pure.
 */

export class TemplateError extends Error {}

export type Expr =
  | { t: 'lit'; value: unknown }
  | { t: 'var'; name: string }
  | { t: 'get'; obj: Expr; key: Expr }
  | { t: 'bin'; op: '~' | '+' | '-' | '*'; left: Expr; right: Expr }
  | { t: 'filter'; input: Expr; name: string; args: Expr[] }
  | { t: 'lookup'; args: Expr[] };

export type Part = { t: 'text'; text: string } | { t: 'expr'; expr: Expr };

/** True for a string Ansible would template (`{{`, `{%` or `{#` in it). */
export function isTemplated(v: unknown): v is string {
  return typeof v === 'string' && /\{\{|\{%|\{#/.test(v);
}

/** Splits a template into text and `{{ }}` expressions. */
export function parseTemplate(src: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.slice(i).search(/\{\{|\{%|\{#/);
    if (open === -1) {
      parts.push({ t: 'text', text: src.slice(i) });
      break;
    }
    if (open > 0) parts.push({ t: 'text', text: src.slice(i, i + open) });
    const start = i + open;
    const kind = src[start + 1];
    if (kind !== '{')
      throw new TemplateError(
        `"{${kind}" statements and comments are outside the template subset sysfleet evaluates`,
      );
    const p = new ExprParser(src, start + 2);
    const expr = p.expression();
    p.expectClose();
    parts.push({ t: 'expr', expr });
    i = p.pos;
  }
  return parts;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /\d+(?:\.\d+)?/y;
const MAX_DEPTH = 32;

class ExprParser {
  pos: number;
  private depth = 0;
  constructor(
    private readonly src: string,
    start: number,
  ) {
    this.pos = start;
  }

  private ws(): void {
    while (/\s/.test(this.src[this.pos] ?? '')) this.pos++;
  }
  private peek(s: string): boolean {
    this.ws();
    return this.src.startsWith(s, this.pos);
  }
  private eat(s: string): boolean {
    if (!this.peek(s)) return false;
    this.pos += s.length;
    return true;
  }
  private fail(what: string): never {
    const near = this.src.slice(this.pos, this.pos + 20);
    throw new TemplateError(`${what} at "${near || 'end of template'}"`);
  }
  private ident(): string | undefined {
    this.ws();
    IDENT.lastIndex = this.pos;
    const m = IDENT.exec(this.src);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  expectClose(): void {
    this.ws();
    const close = /^-?\}\}/.exec(this.src.slice(this.pos));
    if (!close)
      this.fail('expected "}}" (only variables, literals, ~, + and filters are evaluated)');
    this.pos += close[0].length;
  }

  expression(): Expr {
    if (++this.depth > MAX_DEPTH) this.fail('template nested too deeply');
    let left = this.filtered();
    for (;;) {
      const op = (['~', '+', '-', '*'] as const).find((o) => this.peek(o) && !this.peek('-}}'));
      if (!op) break;
      this.pos += 1;
      left = { t: 'bin', op, left, right: this.filtered() };
    }
    this.depth--;
    return left;
  }

  private filtered(): Expr {
    let e = this.postfix();
    while (this.peek('|') && !this.peek('||')) {
      this.pos += 1;
      const name = this.ident() ?? this.fail('expected a filter name after "|"');
      const args = this.peek('(') ? this.args() : [];
      e = { t: 'filter', input: e, name, args };
    }
    return e;
  }

  private args(): Expr[] {
    this.eat('(');
    const out: Expr[] = [];
    if (this.eat(')')) return out;
    do {
      this.ws();
      const save = this.pos;
      const kw = this.ident();
      if (kw && this.peek('=') && !this.peek('==')) this.fail(`keyword argument "${kw}="`);
      this.pos = save;
      out.push(this.expression());
    } while (this.eat(','));
    if (!this.eat(')')) this.fail('expected ")"');
    return out;
  }

  private postfix(): Expr {
    let e = this.primary();
    for (;;) {
      if (this.eat('.')) {
        const name = this.ident() ?? this.fail('expected a name after "."');
        e = { t: 'get', obj: e, key: { t: 'lit', value: name } };
      } else if (this.peek('[')) {
        this.pos += 1;
        const key = this.expression();
        if (!this.eat(']')) this.fail('expected "]"');
        e = { t: 'get', obj: e, key };
      } else if (this.peek('(')) this.fail('calling a function or method');
      else return e;
    }
  }

  private primary(): Expr {
    this.ws();
    const c = this.src[this.pos];
    if (c === "'" || c === '"') return { t: 'lit', value: this.string(c) };
    if (c === '(') {
      this.pos++;
      const e = this.expression();
      if (!this.eat(')')) this.fail('expected ")"');
      return e;
    }
    NUMBER.lastIndex = this.pos;
    const n = NUMBER.exec(this.src);
    if (n) {
      this.pos += n[0].length;
      return { t: 'lit', value: Number(n[0]) };
    }
    const name = this.ident();
    if (name === undefined) this.fail('expected a variable, a string or a number');
    if (/^(true|True)$/.test(name)) return { t: 'lit', value: true };
    if (/^(false|False)$/.test(name)) return { t: 'lit', value: false };
    if (/^(none|None)$/.test(name)) return { t: 'lit', value: null };
    if (name === 'lookup' || name === 'query' || name === 'q') {
      if (!this.peek('(')) this.fail(`"${name}" without arguments`);
      return { t: 'lookup', args: this.args() };
    }
    return { t: 'var', name };
  }

  private string(q: string): string {
    let out = '';
    this.pos++;
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos++]!;
      if (ch === q) return out;
      if (ch === '\\') {
        const nx = this.src[this.pos++] ?? '';
        out += nx === 'n' ? '\n' : nx === 't' ? '\t' : nx;
      } else out += ch;
    }
    return this.fail('unterminated string');
  }
}
