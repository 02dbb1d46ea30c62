import { describe, expect, it } from 'vitest';
import { withUiLoadEnv } from './load-ui.js';

describe('withUiLoadEnv', () => {
  it('hides CI and asks for production builds while loading, then restores the environment', async () => {
    const saved = { CI: process.env['CI'], NODE_ENV: process.env['NODE_ENV'] };
    try {
      process.env['CI'] = 'true';
      delete process.env['NODE_ENV'];
      const seen = await withUiLoadEnv(async () => ({
        ci: process.env['CI'],
        nodeEnv: process.env['NODE_ENV'],
      }));
      expect(seen).toEqual({ ci: undefined, nodeEnv: 'production' });
      expect(process.env['CI']).toBe('true');
      expect('NODE_ENV' in process.env).toBe(false);

      process.env['NODE_ENV'] = 'development';
      const kept = await withUiLoadEnv(async () => process.env['NODE_ENV']);
      expect(kept).toBe('development');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
