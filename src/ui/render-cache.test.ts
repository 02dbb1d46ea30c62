import {
  ansiCodesToString,
  diffAnsiCodes,
  styledCharsFromTokens,
  styledCharsToString,
  tokenize,
} from '@alcalzone/ansi-tokenize';
import { describe, expect, it, vi } from 'vitest';
import {
  cacheByObject,
  cacheByString,
  cachedStringWidth,
  fastStyledCharsToString,
} from './render-cache.js';

const ESC = '\u001B[';
/** Lines as ink builds them for the live view: nested colours, bold, inverse, wide characters. */
const LINES = [
  '',
  'plain ascii line',
  `${ESC}1m▸ web-001  ${ESC}22m${ESC}32mchanged     ${ESC}39m${ESC}90m 1.2s  tcp_keepalive_time 7200→60${ESC}39m`,
  `${ESC}7m${ESC}1m▸ web-002${ESC}22m  ${ESC}31mfailed${ESC}39m${ESC}27m`,
  `${ESC}31m████${ESC}39m${ESC}35m██${ESC}39m${ESC}32m██████${ESC}39m${ESC}90m░░░░${ESC}39m  57% 4/7`,
  `${ESC}1m${ESC}2mbold and dim${ESC}22m then ${ESC}33;1myellow bold${ESC}0m end`,
  `wide 日本語 ${ESC}36mcyan 日本${ESC}39m x`,
  `${ESC}90m trailing style`,
];

describe('render caches', () => {
  it('cacheByString computes each string once, also when the result is undefined', () => {
    const fn = vi.fn((s: string) => (s === 'none' ? undefined : s.length));
    const cached = cacheByString(fn);
    expect([cached('abc'), cached('abc'), cached('none'), cached('none')]).toEqual([
      3,
      3,
      undefined,
      undefined,
    ]);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('cacheByString starts over when full, and still answers correctly', () => {
    const fn = vi.fn((s: string) => s.toUpperCase());
    const cached = cacheByString(fn, 2);
    expect(['a', 'b', 'c', 'a', 'c'].map(cached)).toEqual(['A', 'B', 'C', 'A', 'C']);
    // a, b; full: start over with c; a again; c is still held.
    expect(fn).toHaveBeenCalledTimes(4);
    cached('b');
    expect(fn).toHaveBeenCalledTimes(5);
  });

  it('cacheByObject keys on identity', () => {
    const fn = vi.fn((xs: number[]) => xs.map((x) => x * 2));
    const cached = cacheByObject(fn);
    const a = [1, 2];
    expect(cached(a)).toBe(cached(a));
    expect(cached([1, 2])).toEqual([2, 4]);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('cachedStringWidth caches the default call and passes calls with options through', () => {
    const width = vi.fn((s: string, o?: { wide: boolean }) => s.length * (o?.wide ? 2 : 1));
    const cached = cachedStringWidth(width);
    expect([cached('→ab'), cached('→ab')]).toEqual([3, 3]);
    expect(width).toHaveBeenCalledTimes(1);
    expect([cached('→ab', { wide: true }), cached('→ab', { wide: true })]).toEqual([6, 6]);
    expect(width).toHaveBeenCalledTimes(3);
  });

  it('fastStyledCharsToString gives the same string as ansi-tokenize', () => {
    const fast = fastStyledCharsToString(diffAnsiCodes, ansiCodesToString);
    const blank = () => ({ type: 'char' as const, value: ' ', fullWidth: false, styles: [] });
    for (const line of LINES) {
      const chars = styledCharsFromTokens(tokenize(line));
      expect(fast(chars)).toBe(styledCharsToString(chars));
      // A row of ink's screen: the line's characters, then blank cells.
      const row = [...chars, blank(), blank()];
      expect(fast(row)).toBe(styledCharsToString(row));
      const two = [...chars, ...styledCharsFromTokens(tokenize(LINES[2]!))];
      expect(fast(two)).toBe(styledCharsToString(two));
    }
  });
});
