import { describe, expect, it } from 'vitest';
import { diagnosticLines, MAX_DIAGNOSTIC_CHARS, MAX_DIAGNOSTIC_LINES } from './diagnostics.js';

describe('diagnosticLines', () => {
  it('keeps non-empty lines as they are', () => {
    expect(diagnosticLines('a\n\n  \nb\n')).toEqual(['a', 'b']);
  });

  it('bounds what a chatty host leaves in its stored result', () => {
    const flood = `${'x'.repeat(100_000)}\n`.repeat(500);
    const lines = diagnosticLines(flood);
    expect(lines).toHaveLength(MAX_DIAGNOSTIC_LINES + 1);
    expect(lines[0]).toHaveLength(MAX_DIAGNOSTIC_CHARS + 1);
    expect(lines.at(-1)).toBe(`(${500 - MAX_DIAGNOSTIC_LINES} more lines not kept)`);
    expect(JSON.stringify(lines).length).toBeLessThan(20_000);
  });
});
