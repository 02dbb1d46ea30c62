/**
 * Where passwords and passphrases come from: environment variables first, then a prompt the
 * caller supplies (the CLI asks on the TTY; a scheduled run supplies none and never blocks).
 * Each secret is asked for at most once per run, even when many hosts need it at the same time.
 * Secrets are never logged, put in argv or written anywhere.
 */
export type SecretKind = 'ssh-password' | 'key-passphrase' | 'become-password';

export interface SecretRequest {
  kind: SecretKind;
  /** The host that needs it (for the prompt text); secrets are still shared by all hosts. */
  host: string;
  /** For key-passphrase: the key file. */
  keyFile?: string;
  /** For become-password: the become method(s) it is for (the prompt names them). */
  method?: string;
}

export interface SecretSource {
  get(request: SecretRequest): Promise<string | undefined>;
}

export type SecretPrompt = (request: SecretRequest) => Promise<string | undefined>;

export const SECRET_ENV: Record<SecretKind, string> = {
  'ssh-password': 'SYSFLEET_SSH_PASSWORD',
  'key-passphrase': 'SYSFLEET_KEY_PASSPHRASE',
  'become-password': 'SYSFLEET_BECOME_PASSWORD',
};

/** Environment, then `prompts[kind]` if given; results (including "none") cached per kind/key. */
export function envSecrets(
  env: Record<string, string | undefined> = process.env,
  prompts: Partial<Record<SecretKind, SecretPrompt>> = {},
): SecretSource {
  const cache = new Map<string, Promise<string | undefined>>();
  return {
    get(request) {
      const id =
        request.kind === 'key-passphrase' ? `${request.kind}:${request.keyFile}` : request.kind;
      let p = cache.get(id);
      if (!p) {
        const fromEnv = env[SECRET_ENV[request.kind]];
        const prompt = prompts[request.kind];
        p =
          fromEnv !== undefined && fromEnv !== ''
            ? Promise.resolve(fromEnv)
            : prompt
              ? prompt(request)
              : Promise.resolve(undefined);
        cache.set(id, p);
      }
      return p;
    },
  };
}

/** No secrets at all (tests, and runs that must never prompt). */
export const noSecrets: SecretSource = { get: () => Promise.resolve(undefined) };
