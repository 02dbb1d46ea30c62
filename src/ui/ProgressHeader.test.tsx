import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { at, scenario, type HostFate } from './fixtures.js';
import { barSegments, ProgressHeader } from './ProgressHeader.js';
import { initialUiState, reduce } from './state.js';

const FATES: HostFate[] = [
  'changed',
  'failed',
  'applying',
  'pending',
  'unreachable',
  'changed',
  'pending',
];
const state = (n: number) =>
  scenario(n, (i) => FATES[i % FATES.length]!).reduce(reduce, initialUiState({ columns: 100 }));

describe('ProgressHeader', () => {
  it.each([7, 33, 5000])(
    'bar segments add up to the bar width and follow the counts (%i hosts)',
    (n) => {
      const s = state(n);
      for (const width of [10, 37, 60]) {
        const segs = barSegments(s, width);
        const used = segs.reduce((a, b) => a + b.chars, 0);
        const pendingShare = Math.round((s.counts.pending / n) * width);
        expect(used + pendingShare).toBe(width);
        expect(segs[0]?.bucket).toBe('failed');
      }
    },
  );

  it('shows percentage, elapsed and ETA; drops the ETA once the run is stopping', () => {
    const s = reduce(state(7), { type: 'ui-config', concurrency: 1 });
    const r = render(<ProgressHeader state={s} />);
    // 4 done of 7 (mean 1250 ms over 4 hosts), 3 remaining at concurrency 1.
    expect(r.lastFrame()).toMatch(/ 57% 4\/7 {2}elapsed 1\.\ds {2}ETA 3\.\ds/);
    r.rerender(
      <ProgressHeader state={reduce(s, { type: 'run-stopping', at: at(9), reason: 'aborted' })} />,
    );
    expect(r.lastFrame()).not.toContain('ETA');
    expect(r.lastFrame()).toContain('STOPPING');
    expect(r.lastFrame()).toContain('stopping: aborted');
    r.unmount();
  });
});
