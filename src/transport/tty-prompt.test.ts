import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ttySecretPrompt } from './tty-prompt.js';

function fakeTty() {
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    raw: [] as boolean[],
    setRawMode(mode: boolean) {
      this.raw.push(mode);
    },
  });
  const output = new PassThrough();
  let shown = '';
  output.on('data', (c: Buffer) => (shown += c.toString()));
  return { input, output, shown: () => shown };
}

describe('ttySecretPrompt', () => {
  it('refuses without a TTY', () => {
    expect(ttySecretPrompt(new PassThrough(), new PassThrough())).toBeUndefined();
  });

  it('reads a line without echoing it, honouring backspace, and restores the terminal', async () => {
    const t = fakeTty();
    const prompt = ttySecretPrompt(t.input, t.output);
    const answer = prompt?.({ kind: 'become-password', host: 'web1', method: 'sudo' });
    t.input.write('s3cx\u007fret\r');
    await expect(answer).resolves.toBe('s3cret');
    expect(t.shown()).toBe('BECOME password (sudo): \n');
    expect(t.input.raw).toEqual([true, false]);
  });

  it('names the become method(s) the password is for, and none when unknown', async () => {
    for (const [method, label] of [
      ['su', 'BECOME password (su): '],
      ['doas, sudo', 'BECOME password (doas, sudo): '],
      [undefined, 'BECOME password: '],
    ] as const) {
      const t = fakeTty();
      const answer = ttySecretPrompt(
        t.input,
        t.output,
      )?.({
        kind: 'become-password',
        host: 'all hosts',
        ...(method ? { method } : {}),
      });
      t.input.write('pw\r');
      await expect(answer).resolves.toBe('pw');
      expect(t.shown()).toBe(`${label}\n`);
    }
  });

  it('Ctrl-C rejects instead of answering', async () => {
    const t = fakeTty();
    const answer = ttySecretPrompt(t.input, t.output)?.({ kind: 'ssh-password', host: 'h' });
    t.input.write('abc\u0003');
    await expect(answer).rejects.toThrow(/interrupted/);
  });
});
