import { describe, expect, it } from 'vitest';
import { sudoSetupScript } from './sudo-script.js';

describe('sudoSetupScript', () => {
  const hash = '$6$abc./12$' + 'x'.repeat(86);
  it('sets the password through chpasswd on stdin and writes the drop-in', () => {
    const s = sudoSetupScript('sflab', hash, 'password');
    expect(s).toContain(`printf '%s\\n' 'sflab:${hash}' | chpasswd -e`);
    expect(s).toContain('sflab ALL=(ALL:ALL) ALL');
    expect(s).not.toContain('NOPASSWD');
    expect(sudoSetupScript('sflab', hash, 'nopasswd')).toContain('NOPASSWD: ALL');
  });
  it('refuses anything but a crypt hash (it is quoted into the script)', () => {
    expect(() => sudoSetupScript('sflab', "x' ; rm -rf / '", 'password')).toThrow(/SHA-512/);
  });
});
