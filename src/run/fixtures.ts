/** Test fixtures for the run layer (imported by tests only). */
import type { HostConnection } from '../connection/types.js';
import type { RunHost } from './check.js';

/** A host reached directly over ssh at 127.0.0.1:22 as root, no targets; override any field. */
export function runHost(
  name: string,
  connection: Partial<HostConnection> = {},
  targets: RunHost['targets'] = {},
): RunHost {
  return {
    name,
    targets,
    connection: {
      name,
      connection: 'ssh',
      address: '127.0.0.1',
      port: 22,
      user: 'root',
      identityFiles: [],
      jump: [],
      become: false,
      becomeUser: 'root',
      ...connection,
    },
  };
}
