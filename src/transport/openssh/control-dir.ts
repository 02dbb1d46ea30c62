/**
 * The private directory holding a run's ControlMaster sockets: 0700 (mkdtemp), short paths
 * (a unix socket path must fit in ~104 bytes, and ssh appends a 17-byte temporary suffix while it
 * binds), removed at the end of the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** sun_path is 108 bytes on Linux, 104 on the BSDs; ssh binds `<path>.<16 random chars>` first. */
export const MAX_SOCKET_PATH = 104 - 17 - 1;

export class ControlDir {
  private next = 0;
  private constructor(readonly path: string) {}

  /** In $TMPDIR when its paths are short enough, else /tmp. */
  static create(base = tmpdir()): ControlDir {
    const root = join(base, 'sfssh-XXXXXX').length + 6 <= MAX_SOCKET_PATH ? base : '/tmp';
    return new ControlDir(mkdtempSync(join(root, 'sfssh-')));
  }

  /** A fresh socket path for one master: the directory and a counter, nothing from the host. */
  socketPath(): string {
    return join(this.path, String(this.next++));
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}
