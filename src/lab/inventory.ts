/**
 * The files `lab up` hands to sysfleet and to OpenSSH, rendered from the lab state (pure):
 * Ansible-format YAML inventories, a known_hosts file and an ssh_config.
 */
import { stringify } from 'yaml';
import type { LabHost, LabState } from './types.js';

/** What the renderers read of a host: a namespace host or a VM guest (src/lab/vm). */
type InvHost = Pick<LabHost, 'name' | 'port' | 'sudo' | 'behindBastion' | 'route'>;

type Inv = Pick<
  LabState,
  'keyPath' | 'knownHostsPath' | 'sshConfigPath' | 'sudoPasswordEnv' | 'user'
> & {
  hosts: InvHost[];
  bastion?: InvHost | undefined;
} & Partial<Pick<LabState, 'variant'>>;

/**
 * ssh options every host gets in `ansible_ssh_common_args`. Hosts behind the bastion add
 * `-F <lab ssh_config> -o ProxyJump=root@127.0.0.1:<bastion port>`: the jump lands in the bastion's namespace, where
 * 127.0.0.1:<host port> is a forwarder to that host (same port as in the machine's namespace).
 */
export function sshCommonArgs(lab: Inv, host: InvHost): string {
  const args = [`-o UserKnownHostsFile=${lab.knownHostsPath}`, '-o StrictHostKeyChecking=yes'];
  if (lab.variant?.kex) args.push(`-o KexAlgorithms=${lab.variant.kex.join(',')}`);
  if (host.behindBastion && lab.bastion && host.route === 'proxycommand') {
    // the jump ssh reads the lab's ssh_config (-F): its key, known_hosts and strict checking
    const hop = `ssh -F ${lab.sshConfigPath} -i ${lab.keyPath} -W %h:%p -p ${lab.bastion.port} root@127.0.0.1`;
    args.push(`-o 'ProxyCommand=${hop}'`);
  } else if (host.behindBastion && lab.bastion) {
    // ssh runs the jump as `ssh -F <file> -W ... bastion`: the -o options above do not reach
    // it, the -F file does (the bastion is then checked against the lab's known_hosts too).
    args.push(`-F ${lab.sshConfigPath}`, `-o ProxyJump=root@127.0.0.1:${lab.bastion.port}`);
  }
  return args.join(' ');
}

function hostVars(lab: Inv, host: InvHost, asUser: 'root' | 'nonroot'): Record<string, unknown> {
  return {
    ansible_host: '127.0.0.1',
    ansible_port: host.port,
    ansible_user: asUser === 'root' ? 'root' : lab.user.nonRoot,
    ansible_ssh_private_key_file: lab.keyPath,
    ansible_ssh_common_args: sshCommonArgs(lab, host),
    ...(asUser === 'nonroot' ? { ansible_become: true, ansible_become_method: 'sudo' } : {}),
  };
}

const members = (hosts: InvHost[]): Record<string, null> =>
  Object.fromEntries(hosts.map((h) => [h.name, null]));

/**
 * Groups: `lab` (every target host, never the bastion), `sudo_nopasswd` and `sudo_password`,
 * and `bastion` when there is one. With `asUser: 'nonroot'` the hosts log in as the lab user and
 * become root with sudo; the password hosts name the environment variable holding the password
 * (`sysfleet_become_password_env`, and an Ansible env lookup for ansible itself), never the value.
 */
export function renderInventory(lab: Inv, asUser: 'root' | 'nonroot'): string {
  const children: Record<string, unknown> = {
    lab: {
      hosts: Object.fromEntries(lab.hosts.map((h) => [h.name, hostVars(lab, h, asUser)])),
    },
    sudo_nopasswd: { hosts: members(lab.hosts.filter((h) => h.sudo === 'nopasswd')) },
    sudo_password: {
      hosts: members(lab.hosts.filter((h) => h.sudo === 'password')),
      ...(asUser === 'nonroot'
        ? {
            vars: {
              sysfleet_become_password_env: lab.sudoPasswordEnv,
              ansible_become_password: `{{ lookup('env', '${lab.sudoPasswordEnv}') }}`,
            },
          }
        : {}),
    },
  };
  if (lab.bastion) {
    for (const route of ['proxyjump', 'proxycommand'] as const) {
      const hs = lab.hosts.filter((h) => h.behindBastion && (h.route ?? 'proxyjump') === route);
      if (hs.length > 0) children[`bastion_${route}`] = { hosts: members(hs) };
    }
    children['bastion'] = {
      hosts: { [lab.bastion.name]: hostVars(lab, lab.bastion, 'root') },
    };
  }
  const header =
    `# sysfleet lab inventory (${asUser === 'root' ? 'root login' : `${lab.user.nonRoot} + sudo`}),` +
    ' written by `sysfleet lab up`\n';
  return header + stringify({ all: { children } }, { lineWidth: 0 });
}

/** `[127.0.0.1]:PORT ssh-ed25519 AAAA...` per host (the bastion too). */
export function renderKnownHosts(entries: { port: number; publicKey: string }[]): string {
  return entries
    .map(({ port, publicKey }) => {
      const [type, key] = publicKey.trim().split(/\s+/);
      if (!type || !key) throw new Error(`not an OpenSSH public key: ${publicKey}`);
      return `[127.0.0.1]:${port} ${type} ${key}\n`;
    })
    .join('');
}

/**
 * For system ssh: `ssh -F <this> -p PORT 127.0.0.1` reaches a host as root with strict host
 * key checking; `-J root@127.0.0.1:<bastion port>` jumps (the jump ssh reads -F too).
 */
export function renderSshConfig(lab: Pick<Inv, 'keyPath' | 'knownHostsPath' | 'variant'>): string {
  return [
    '# sysfleet lab: ssh -F <this file> -p PORT 127.0.0.1',
    'Host *',
    '  User root',
    `  IdentityFile ${lab.keyPath}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${lab.knownHostsPath}`,
    '  StrictHostKeyChecking yes',
    '  GlobalKnownHostsFile /dev/null',
    '  BatchMode yes',
    '  LogLevel ERROR',
    ...(lab.variant?.kex ? [`  KexAlgorithms ${lab.variant.kex.join(',')}`] : []),
    '',
  ].join('\n');
}
