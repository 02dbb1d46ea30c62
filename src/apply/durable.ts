/** Durable file writes for the control node's store: write temp, fsync, rename, fsync dir. */
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

async function fsyncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Make a directory (0700) and fsync its parent so the new entry survives a crash. */
export async function mkdirDurable(dir: string): Promise<void> {
  const made = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (made !== undefined) await fsyncDir(dirname(dir));
}

let tmpCounter = 0;

export async function writeFileDurable(path: string, data: string): Promise<void> {
  const dir = dirname(path);
  await mkdirDurable(dir);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${++tmpCounter}.tmp`);
  const h = await open(tmp, 'wx', 0o600);
  try {
    await h.writeFile(data, 'utf8');
    await h.sync();
  } catch (err) {
    await h.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await h.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(dir);
}
