/** A VM lab's state.json: told apart from a namespace lab's by `kind: 'vm'`. */
import { readState, writeState } from '../state.js';
import type { LabState } from '../types.js';
import type { VmLabState } from './types.js';

export function readVmState(dir: string): VmLabState | undefined {
  const s = readState(dir) as unknown as { kind?: string } | undefined;
  return s?.kind === 'vm' ? (s as VmLabState) : undefined;
}

export function writeVmState(state: VmLabState): void {
  writeState(state as unknown as LabState);
}
