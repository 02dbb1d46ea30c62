import { describe, expect, it } from 'vitest';
import { assignDistros, parseDistros } from './distros.js';
import { kernelStarted } from './accel.js';

describe('parseDistros', () => {
  it('reads a comma list, all and debian, without duplicates', () => {
    expect(parseDistros('bookworm')).toEqual(['bookworm']);
    expect(parseDistros('trixie, bullseye,trixie')).toEqual(['trixie', 'bullseye']);
    expect(parseDistros('debian')).toEqual(['bullseye', 'bookworm', 'trixie']);
    expect(parseDistros('all')).toEqual(['bullseye', 'bookworm', 'trixie', 'busybox']);
  });
  it('names the bad distro and the valid ones', () => {
    expect(() => parseDistros('buster')).toThrow(
      /unknown distro "buster".*bullseye, bookworm, trixie, busybox/,
    );
    expect(() => parseDistros(',')).toThrow(/unknown distro ""/);
  });
});

describe('assignDistros', () => {
  it('repeats the list round-robin over --hosts', () => {
    expect(assignDistros(['bookworm'], 3)).toEqual(['bookworm', 'bookworm', 'bookworm']);
    expect(assignDistros(['bullseye', 'trixie'], 3)).toEqual(['bullseye', 'trixie', 'bullseye']);
    expect(assignDistros(['bullseye', 'trixie'])).toEqual(['bullseye', 'trixie']);
  });
  it('bounds the guest count', () => {
    expect(() => assignDistros(['bookworm'], 0)).toThrow(/1-8/);
    expect(() => assignDistros(['bookworm'], 9)).toThrow(/1-8/);
  });
});

describe('kernelStarted', () => {
  it('recognises the kernel banner on the serial console', () => {
    expect(kernelStarted('[    0.000000] Linux version 6.1.0-50-cloud-amd64 (debian-kernel@')).toBe(
      true,
    );
    expect(kernelStarted('SeaBIOS (version 1.16.2)\nBooting from ROM..')).toBe(false);
  });
});
