/**
 * loadPlaybook: reads a playbook file and parses it (playbook.ts). A sysctl.d `.conf` file is a
 * playbook too, imported on the fly (import/): "is the fleet running what this file says".
 */
import { ModelErrors } from '../parse/errors.js';
import { InputFileError, readText } from '../parse/files.js';
import { importPlaybook } from './import/load-import.js';

/** A playbook is a page of targets: anything larger is not one. */
const MAX_PLAYBOOK_BYTES = 4 * 1024 * 1024;
import { parsePlaybook } from './playbook.js';
import type { Playbook } from './types.js';

/** Reads and validates `path`; errors name `path` as given. Throws ModelErrors. */
export async function loadPlaybook(path: string): Promise<Playbook> {
  if (/\.conf$/.test(path)) return (await importPlaybook([path], { shownAs: path })).playbook;
  let text: string;
  try {
    text = await readText(path, MAX_PLAYBOOK_BYTES);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelErrors([
      {
        file: path,
        line: 0,
        col: 0,
        message:
          code === 'ENOENT'
            ? 'playbook not found'
            : e instanceof InputFileError
              ? e.message
              : `cannot read playbook: ${(e as Error).message}`,
      },
    ]);
  }
  return parsePlaybook(text, path);
}
