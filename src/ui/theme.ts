/** Colours per host bucket, shared by the list, the progress bar and the summary. */
import type { HostBucket } from './state.js';

export const BUCKET_COLORS: Record<HostBucket, string> = {
  failed: 'red',
  unreachable: 'magenta',
  reverted: 'yellow',
  drift: 'yellow',
  changed: 'green',
  rolled_back: 'green',
  unchanged: 'gray',
  compliant: 'green',
  skipped: 'gray',
  in_flight: 'cyan',
  pending: 'gray',
};
