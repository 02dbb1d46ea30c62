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
    const answer = prompt?.({ kind: 'become-password', host: 'web1' });
    t.input.write('s3cx\u007fret\r');
    await expect(answer).resolves.toBe('s3cret');
    expect(t.shown()).toBe('BECOME password (sudo): \n');
    expect(t.input.raw).toEqual([true, false]);
  });

  it('Ctrl-C rejects instead of answering', async () => {
    const t = fakeTty();
    const answer = ttySecretPrompt(t.input, t.output)?.({ kind: 'ssh-password', host: 'h' });
    t.input.write('abc\u0003');
    await expect(answer).rejects.toThrow(/interrupted/);
  });
});
