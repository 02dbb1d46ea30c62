/**
 * Jump hosts (ProxyJump / -J / sysfleet_jump values) as users write them: `bastion`,
 * `ops@bastion:2222`, `a,b` (outermost first), `ssh://user@host:port`, `[2001:db8::1]:22`.
 * How a chain is resolved hop by hop: jump-chain.ts.
 */

export interface JumpSpec {
  host: string;
  port?: number;
  user?: string;
  identityFile?: string;
}

export class JumpSpecError extends Error {}

const HOST_RE = /^[A-Za-z0-9_.%-]+$/;
const USER_RE = /^[A-Za-z0-9_.-]+$/;

/** Parses one hop. */
export function parseJumpHop(spec: string): JumpSpec {
  let s = spec.trim();
  if (s.startsWith('ssh://')) s = s.slice(6);
  let user: string | undefined;
  const at = s.lastIndexOf('@');
  if (at !== -1) {
    user = s.slice(0, at);
    s = s.slice(at + 1);
  }
  let host = s;
  let port: number | undefined;
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(\d+))?$/.exec(s);
  if (v6) {
    host = v6[1]!;
    if (v6[2]) port = Number(v6[2]);
  } else {
    const m = /^([^:]+):(\d+)$/.exec(s);
    if (m) {
      host = m[1]!;
      port = Number(m[2]);
    }
  }
  if (!v6 && !HOST_RE.test(host)) throw new JumpSpecError(`invalid jump host "${spec}"`);
  if (user !== undefined && !USER_RE.test(user))
    throw new JumpSpecError(`invalid user in jump host "${spec}"`);
  if (port !== undefined && (port < 1 || port > 65535)) {
    throw new JumpSpecError(`invalid port in jump host "${spec}"`);
  }
  return { host, ...(port !== undefined ? { port } : {}), ...(user !== undefined ? { user } : {}) };
}

/** Parses a chain `a,b,c` (outermost first); `none` is an empty chain. */
export function parseJumpChain(spec: string | readonly string[]): JumpSpec[] {
  const parts = (typeof spec === 'string' ? spec.split(',') : spec.flatMap((s) => s.split(',')))
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 1 && parts[0]!.toLowerCase() === 'none') return [];
  return parts.map(parseJumpHop);
}

/** An inventory var as a non-empty string (numbers too), else undefined. */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (typeof v === 'number') return String(v);
  return undefined;
}
