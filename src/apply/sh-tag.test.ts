import { describe, expect, it } from 'vitest';
import { sh } from './sh-tag.js';

describe('sh', () => {
  it('keeps shell code raw and turns $\\{ into ${', () => {
    expect(sh`a=$\{b#*.}; printf '%s\n' "$c"`).toBe('a=${b#*.}; printf \'%s\\n\' "$c"');
  });
});
