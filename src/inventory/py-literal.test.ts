import { describe, expect, it } from 'vitest';
import { pyLiteral } from './py-literal.js';
import { shlexSplit } from '../parse/shlex.js';

// What Ansible's INI parser (ast.literal_eval) makes of a value; verified against ansible 2.14.
describe('pyLiteral', () => {
  const cases: Array<[string, unknown]> = [
    ['22', 22],
    ['-3', -3],
    ['0', 0],
    ['007', '007'],
    ['0x1F', 31],
    ['0o17', 15],
    ['1_000', 1000],
    ['1.5', 1.5],
    ['1e3', 1000],
    ['True', true],
    ['False', false],
    ['None', null],
    ['true', 'true'],
    ['yes', 'yes'],
    ["'quoted'", 'quoted'],
    ['"dq"', 'dq'],
    ['[1, 2]', [1, 2]],
    ['(1, "a")', [1, 'a']],
    ["{'a': 1, 'b': [True]}", { a: 1, b: [true] }],
    ['foo bar', 'foo bar'],
    ['/var/lib/x', '/var/lib/x'],
    ['[1, 2', '[1, 2'],
    ['', ''],
  ];
  for (const [input, value] of cases)
    it(JSON.stringify(input), () => expect(pyLiteral(input)).toEqual(value));
});

describe('shlexSplit', () => {
  const cases: Array<[string, string[]]> = [
    ['a b  c', ['a', 'b', 'c']],
    ['h x=\'a b\' y="c d"', ['h', 'x=a b', 'y=c d']],
    ['h x=1 # comment', ['h', 'x=1']],
    ['h x=a#b', ['h', 'x=a']],
    ['h x="a\\"b"', ['h', 'x=a"b']],
    ['h x=a\\ b', ['h', 'x=a b']],
    ['h x="\'1\'"', ['h', "x='1'"]],
  ];
  for (const [input, tokens] of cases) it(input, () => expect(shlexSplit(input)).toEqual(tokens));
  it('refuses an unclosed quote', () => expect(() => shlexSplit("h x='a")).toThrow(/closing/));
});
