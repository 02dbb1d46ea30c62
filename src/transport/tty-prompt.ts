/**
 * Ask for a secret on the terminal without echoing it (--ask-pass, --ask-become-pass). Refuses
 * without a TTY, so a scheduled run never blocks on a question. Ask before the run starts (and
 * before the terminal UI takes stdin): prompts during a connection count against its timeout.
 */
import type { SecretPrompt, SecretRequest } from './secrets.js';

interface TtyIn extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

const LABEL: Record<SecretRequest['kind'], (r: SecretRequest) => string> = {
  'ssh-password': () => 'SSH password: ',
  'key-passphrase': (r) => `Passphrase for ${r.keyFile ?? 'key'}: `,
  'become-password': (r) => `BECOME password${r.method ? ` (${r.method})` : ''}: `,
};

/** A SecretPrompt reading from `input` (default stdin), or undefined when it is not a TTY. */
export function ttySecretPrompt(
  input: TtyIn = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): SecretPrompt | undefined {
  if (!input.isTTY || !input.setRawMode) return undefined;
  const setRaw = input.setRawMode.bind(input);
  return (request) =>
    new Promise<string | undefined>((resolve, reject) => {
      output.write(LABEL[request.kind](request));
      let value = '';
      const finish = (err?: Error) => {
        input.removeListener('data', onData);
        setRaw(false);
        input.pause();
        output.write('\n');
        if (err) reject(err);
        else resolve(value);
      };
      const onData = (chunk: Buffer | string) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return finish();
          if (ch === '\u0003') return finish(new Error('interrupted at the password prompt'));
          if (ch === '\u0004' && value === '') return finish();
          if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
          else if (ch >= ' ') value += ch;
        }
      };
      setRaw(true);
      input.resume();
      input.on('data', onData);
    });
}
