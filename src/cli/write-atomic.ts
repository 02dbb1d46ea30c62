/**
 * Report files are replaced atomically (temp file in the same directory, fsync, rename), so a
 * node_exporter textfile collector or a CI step never reads half a file. Mode 0644: reports are
 * read by other users (node_exporter); they hold no secrets.
 */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const h = await open(tmp, 'w', 0o644);
  try {
    await h.writeFile(data, 'utf8');
    await h.sync();
    await h.close();
    await rename(tmp, path);
  } catch (err) {
    await h.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
}
