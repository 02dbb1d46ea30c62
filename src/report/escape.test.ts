/** The escapers' fast paths (strings that need nothing) agree with the full escaping, always. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { xmlEscape } from './junit.js';
import { labelValue } from './prometheus.js';

const xmlReference = (s: string): string =>
  s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
const promReference = (s: string): string =>
  s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

const anyText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.string(),
);

describe('escapers', () => {
  it('xmlEscape = the full replace chain, for any string', () => {
    fc.assert(
      fc.property(anyText, (s) => xmlEscape(s) === xmlReference(s)),
      { numRuns: 2000 },
    );
    expect(xmlEscape('\uD800lone')).toBe('lone');
    expect(xmlEscape('web-01.example.net')).toBe('web-01.example.net');
  });
  it('labelValue = the full replace chain, for any string', () => {
    fc.assert(
      fc.property(anyText, (s) => labelValue(s) === promReference(s)),
      { numRuns: 2000 },
    );
  });
});
