/**
 * ProxyJump chains as ssh runs them. `ProxyJump h1,...,hn` becomes
 * `ssh [-l u] [-p p] [-F f] -J h1,...,h(n-1) -W %h:%p hn`: the last hop is resolved with its own
 * ssh_config block but the chain before it replaces its own ProxyJump; only the first hop's own
 * ProxyJump (or ProxyCommand) applies. Each hop has its own User (else the local user, never the
 * target's), identity files and known_hosts. Pure given the resolver.
 */
import {
  expandIdentityPath,
  proxyCommandLine,
  type ResolvedSsh,
  type SshInvocation,
} from './ssh-resolve.js';
import type { SshConfig } from './ssh-config-eval.js';
import { optionLine, type SshConfigLine } from './ssh-config-lines.js';
import { JumpSpecError, parseJumpHop, str } from './jump.js';
import type { JumpHost } from './types.js';
import type { InventoryHost } from '../inventory/types.js';

export const MAX_JUMP_DEPTH = 8;

export type HopResolver = (inv: SshInvocation) => ResolvedSsh;

const line = optionLine;

/** The hop values ssh would use for one resolved jump host. */
function hopOf(name: string, r: ResolvedSsh, cfg: SshConfig): JumpHost {
  const expand = (p: string) => expandIdentityPath(r, p, cfg);
  const kex = r.options.get('kexalgorithms')?.args.join(',');
  const hka = r.options.get('hostkeyalgorithms')?.args.join(',');
  const lookedUp = r.canonical?.lookedUp;
  return {
    name,
    address: r.hostname,
    ...(lookedUp && lookedUp !== r.hostname && !r.proxyCommand && !r.proxyJump
      ? { connectName: lookedUp }
      : {}),
    ...(r.nameError ? { unresolved: `jump host ${name}: ${r.nameError}` } : {}),
    ...(r.lookupUnsure.length ? { lookupUnsure: r.lookupUnsure } : {}),
    port: r.port,
    user: r.user,
    identityFiles: [...new Set(r.identityFiles.map(expand))],
    ...(r.certificateFiles.length ? { certificateFiles: r.certificateFiles.map(expand) } : {}),
    knownHostsFiles: r.userKnownHostsFiles,
    globalKnownHostsFiles: r.globalKnownHostsFiles,
    ...(kex ? { kexAlgorithms: kex } : {}),
    ...(hka ? { hostKeyAlgorithms: hka } : {}),
    strictHostKeyChecking: r.strictHostKeyChecking,
    ...(r.proxyCommand ? { proxyCommand: proxyCommandLine(r) } : {}),
  };
}

/** Resolves `spec` (a ProxyJump value) into hops, outermost first. */
export function resolveJumpChain(
  spec: string,
  resolve: HopResolver,
  cfg: SshConfig,
  lookup?: (name: string) => InventoryHost | undefined,
  depth = 1,
): JumpHost[] {
  if (depth > MAX_JUMP_DEPTH)
    throw new JumpSpecError(`jump chain deeper than ${MAX_JUMP_DEPTH} hops (a ProxyJump loop?)`);
  const parts = spec
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const lastSpec = parts.pop();
  if (!lastSpec || lastSpec.toLowerCase() === 'none') return [];
  const hop = parseJumpHop(lastSpec);
  const file = `jump host ${lastSpec}`;
  const cmdline: SshConfigLine[] = [];
  if (hop.user) cmdline.push(line('user', hop.user, file));
  if (hop.port) cmdline.push(line('port', String(hop.port), file));
  if (parts.length) cmdline.push(line('proxyjump', parts.join(','), file));
  // sysfleet: a hop named in the inventory is reached at its ansible_host/port/user/key.
  const vars = lookup?.(hop.host)?.vars ?? {};
  const ip = str(vars['ansible_port']);
  if (ip) cmdline.push(line('port', ip, file));
  const iu = str(vars['ansible_user']);
  if (iu) cmdline.push(line('user', iu, file));
  const ik = str(vars['ansible_ssh_private_key_file']);
  if (ik) cmdline.push(line('identityfile', ik, file));
  const r = resolve({ hostArg: str(vars['ansible_host']) ?? hop.host, cmdline });
  const before = r.proxyJump ? resolveJumpChain(r.proxyJump, resolve, cfg, lookup, depth + 1) : [];
  return [...before, hopOf(lastSpec, r, cfg)];
}
