/**
 * Python's `ast.literal_eval` for the values Ansible's INI parser reads: ints (no leading
 * zeros, `0x`/`0o`/`0b`, `_` separators), floats, True/False/None, quoted strings, lists,
 * tuples and dicts of those. Anything else stays the original string, as in Ansible
 * (`007`, `yes`, `true`, `foo` are strings).
 */

class NotLiteral extends Error {}

export function pyLiteral(text: string): unknown {
  try {
    const p = new Parser(text);
    const v = p.value();
    p.ws();
    if (p.i !== text.length) throw new NotLiteral();
    return v;
  } catch (e) {
    if (e instanceof NotLiteral) return text;
    throw e;
  }
}

class Parser {
  i = 0;
  constructor(private readonly s: string) {}

  ws(): void {
    while (this.i < this.s.length && /[ \t]/.test(this.s[this.i]!)) this.i++;
  }

  value(depth = 0): unknown {
    if (depth > 32) throw new NotLiteral();
    this.ws();
    const c = this.s[this.i];
    if (c === undefined) throw new NotLiteral();
    if (c === "'" || c === '"') return this.str();
    if (c === '[') return this.seq(']', depth);
    if (c === '(') return this.seq(')', depth);
    if (c === '{') return this.dict(depth);
    const m =
      /^[-+]?(?:[A-Za-z_][A-Za-z0-9_]*|[0-9][0-9A-Za-z_.]*(?:[eE][-+]?[0-9_]+)?|\.[0-9][0-9_]*(?:[eE][-+]?[0-9_]+)?)/.exec(
        this.s.slice(this.i),
      );
    if (!m) throw new NotLiteral();
    this.i += m[0].length;
    return word(m[0]);
  }

  str(): string {
    const q = this.s[this.i]!;
    let out = '';
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === q) {
        this.i++;
        return out;
      }
      if (c === '\\') {
        const n = this.s[this.i + 1];
        const esc: Record<string, string> = {
          n: '\n',
          t: '\t',
          r: '\r',
          '\\': '\\',
          "'": "'",
          '"': '"',
          '0': '\0',
        };
        if (n !== undefined && n in esc) {
          out += esc[n];
          this.i += 2;
          continue;
        }
      }
      out += c;
      this.i++;
    }
    throw new NotLiteral();
  }

  seq(close: string, depth: number): unknown[] {
    this.i++;
    const out: unknown[] = [];
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        return out;
      }
      out.push(this.value(depth + 1));
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== close) throw new NotLiteral();
    }
  }

  dict(depth: number): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      const k = this.value(depth + 1);
      this.ws();
      if (this.s[this.i] !== ':') throw new NotLiteral();
      this.i++;
      const v = this.value(depth + 1);
      Object.defineProperty(out, String(k), {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') throw new NotLiteral();
    }
  }
}

function word(w: string): unknown {
  const sign = w[0] === '-' ? -1 : 1;
  const body = w[0] === '-' || w[0] === '+' ? w.slice(1) : w;
  if (body === 'True' || body === 'False' || body === 'None') {
    if (body.length !== w.length) throw new NotLiteral();
    return body === 'True' ? true : body === 'False' ? false : null;
  }
  const b = body;
  if (/^[1-9](_?[0-9])*$/.test(b) || /^0(_?0)*$/.test(b)) return sign * Number(b.replace(/_/g, ''));
  if (/^0[xX](_?[0-9a-fA-F])+$/.test(b)) return sign * parseInt(b.slice(2).replace(/_/g, ''), 16);
  if (/^0[oO](_?[0-7])+$/.test(b)) return sign * parseInt(b.slice(2).replace(/_/g, ''), 8);
  if (/^0[bB](_?[01])+$/.test(b)) return sign * parseInt(b.slice(2).replace(/_/g, ''), 2);
  if (
    /^([0-9](_?[0-9])*)?\.?([0-9](_?[0-9])*)?([eE][-+]?[0-9](_?[0-9])*)?$/.test(b) &&
    /[0-9]/.test(b) &&
    /[.eE]/.test(b)
  ) {
    return sign * Number(b.replace(/_/g, ''));
  }
  throw new NotLiteral();
}
