/**
 * Authentication in OpenSSH's order: agent, then key files, then password (and
 * keyboard-interactive answered with the same password). Built as an ssh2 authHandler so the
 * password is only fetched (maybe prompted) if the keys did not get us in. `tried` records every
 * method offered, for the 'auth' error message.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import type { AnyAuthMethod, AuthHandlerMiddleware, ParsedKey, Prompt } from 'ssh2';
import type { SecretSource } from './secrets.js';
import { ssh2Module } from './ssh2-module.js';

export interface AuthInput {
  host: string;
  user: string;
  /** Key files to offer, in order (already chosen: --key, inventory, ssh_config or defaults). */
  keyFiles: string[];
  /** SSH_AUTH_SOCK, if any. */
  agentSocket?: string;
  secrets: SecretSource;
}

export interface AuthState {
  /** ssh2 authHandler (function form). */
  handler: AuthHandlerMiddleware;
  /** Human descriptions of what was offered, in order. */
  tried: string[];
}

export const DEFAULT_KEY_FILES = ['~/.ssh/id_ed25519', '~/.ssh/id_ecdsa', '~/.ssh/id_rsa'];

export function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
}

interface LoadedKey {
  file: string;
  key?: ParsedKey;
  /** Why the key cannot be offered. */
  problem?: string;
}

/** Read and decrypt one key file; a missing default key is silently absent. */
export async function loadKey(
  file: string,
  host: string,
  secrets: SecretSource,
): Promise<LoadedKey | undefined> {
  let data: Buffer;
  try {
    data = await readFile(expandHome(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { file, problem: code === 'ENOENT' ? 'not found' : `unreadable (${code})` };
  }
  const { utils } = await ssh2Module();
  let parsed = utils.parseKey(data);
  if (parsed instanceof Error && /encrypted|passphrase/i.test(parsed.message)) {
    const passphrase = await secrets.get({ kind: 'key-passphrase', host, keyFile: file });
    if (passphrase === undefined) {
      return { file, problem: 'encrypted, no passphrase (set SYSFLEET_KEY_PASSPHRASE)' };
    }
    parsed = utils.parseKey(data, passphrase);
    if (parsed instanceof Error) return { file, problem: 'wrong passphrase' };
  }
  if (parsed instanceof Error) return { file, problem: `not a private key (${parsed.message})` };
  const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey | undefined) : parsed;
  if (!key?.isPrivateKey()) return { file, problem: 'not a private key' };
  return { file, key };
}

export async function planAuth(input: AuthInput): Promise<AuthState> {
  const explicit = input.keyFiles.length > 0;
  const files = explicit ? input.keyFiles : DEFAULT_KEY_FILES;
  const loaded = (
    await Promise.all(files.map((f) => loadKey(f, input.host, input.secrets)))
  ).filter((k): k is LoadedKey => k !== undefined && !(k.problem === 'not found' && !explicit));
  const tried: string[] = [];
  const queue: Array<() => Promise<AnyAuthMethod | undefined>> = [];
  const username = input.user;
  if (input.agentSocket) {
    queue.push(async () => {
      tried.push('agent');
      return { type: 'agent', username, agent: input.agentSocket as string } as AnyAuthMethod;
    });
  }
  for (const k of loaded) {
    queue.push(async () => {
      if (!k.key) {
        tried.push(`key ${k.file} (${k.problem})`);
        return undefined;
      }
      tried.push(`key ${k.file}`);
      return { type: 'publickey', username, key: k.key };
    });
  }
  // Asked at most once per connection, and only when the keys did not get us in.
  let password: Promise<string | undefined> | undefined;
  const getPassword = () =>
    (password ??= input.secrets.get({ kind: 'ssh-password', host: input.host }));
  queue.push(async () => {
    const p = await getPassword();
    if (p === undefined) return undefined;
    tried.push('password');
    return { type: 'password', username, password: p };
  });
  queue.push(async () => {
    const p = await getPassword();
    if (p === undefined) return undefined;
    tried.push('keyboard-interactive');
    return {
      type: 'keyboard-interactive',
      username,
      prompt: (_name: string, _instr: string, _lang: string, prompts: Prompt[], finish) =>
        finish(prompts.map((q) => (/password/i.test(q.prompt) ? p : ''))),
    };
  });

  const handler: AuthState['handler'] = (methodsLeft, _partial, next) => {
    const step = async (): Promise<AnyAuthMethod | false> => {
      for (;;) {
        const make = queue.shift();
        if (!make) return false;
        const auth = await make();
        if (auth === undefined) continue;
        // Skip methods the server said it will not accept (null: first call, unknown yet).
        if (methodsLeft && !methodsLeft.includes(auth.type === 'agent' ? 'publickey' : auth.type)) {
          tried.pop();
          continue;
        }
        return auth;
      }
    };
    // ssh2 accepts `false` for "no more methods"; its typings do not say so.
    const done = next as (auth: AnyAuthMethod | false) => void;
    step().then(done, () => done(false));
  };
  return { handler, tried };
}
