/** `ssh-keygen` for the lab: a fresh unencrypted ed25519 key pair; returns the public key line. */
import { readFileSync } from 'node:fs';
import { runOk } from './proc.js';

export async function keygen(path: string, comment: string): Promise<string> {
  await runOk('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
  return readFileSync(`${path}.pub`, 'utf8').trim();
}
