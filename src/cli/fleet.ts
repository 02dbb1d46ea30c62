/**
 * The imperative shell shared by the commands that talk to hosts: load the inventory and
 * playbook (every error before any host is touched), select hosts, resolve connections, and
 * build the transport and the stage dependencies the orchestrator needs.
 */
import { hostname, userInfo } from 'node:os';
import { loadInventory } from '../inventory/load-inventory.js';
import { expandLimitFiles } from '../inventory/load-limit.js';
import { loadSshConfig } from '../connection/load-ssh-config.js';
import { inventoryLookup, isSkipped, resolveConnection } from '../connection/connection.js';
import { selectHosts } from '../inventory/host-pattern.js';
import { renderHosts } from '../inventory/template/render-hosts.js';
import { loadPlaybook } from '../playbook/load-playbook.js';
import { targetsForHost } from '../playbook/targets.js';
import type { Inventory } from '../inventory/types.js';
import type { Playbook } from '../playbook/types.js';
import type { RunHost } from '../run/check.js';
import { runSignal } from '../run/clock.js';
import {
  createTransport,
  envSecrets,
  SECRET_ENV,
  type SecretSource,
  type Transport,
} from '../transport/index.js';
import { ttySecretPrompt } from '../transport/tty-prompt.js';
import { interruptController, type Interrupt } from './interrupt.js';
import { chooseTransports } from './transport-choice.js';
import type { HostOptions } from './options.js';

export interface Fleet {
  inventory: Inventory;
  playbook?: Playbook;
  hosts: RunHost[];
}

/** Load everything the user gave us; throws ModelErrors (with file:line:col) before any I/O to hosts. */
export async function loadFleet(
  opts: Pick<HostOptions, 'inventory' | 'limit' | 'sshConfig' | 'become'> &
    Partial<Pick<HostOptions, 'transport' | 'knownHosts' | 'key'>>,
  playbookPath?: string,
): Promise<Fleet> {
  const [inventory, playbook, sshConfig] = await Promise.all([
    loadInventory(opts.inventory),
    playbookPath ? loadPlaybook(playbookPath) : Promise.resolve(undefined),
    loadSshConfig(opts.sshConfig),
  ]);
  const pattern = opts.limit ? await expandLimitFiles(opts.limit) : undefined;
  const selected = selectHosts(inventory, pattern).filter((h) => !isSkipped(h));
  const lookup = inventoryLookup(inventory);
  const hosts = renderHosts(inventory, selected).map(({ host: h, problem }) => {
    // A jump host named in the inventory is reached at its own ansible_host/port/user/key.
    const connection = resolveConnection(h, sshConfig, lookup);
    if (problem) connection.unreachable = problem;
    if (opts.become) connection.become = true;
    return {
      name: h.name,
      connection,
      targets: playbook ? targetsForHost(playbook, h, inventory) : {},
    };
  });
  chooseTransports(
    hosts.map((h) => h.connection),
    {
      transport: opts.transport ?? 'auto',
      knownHosts: opts.knownHosts ?? [],
      ...(opts.key ? { key: opts.key } : {}),
    },
    sshConfig,
  );
  return { inventory, playbook, hosts };
}

/**
 * --ask-pass / --ask-become-pass: ask once, before the run (and before the terminal UI owns
 * stdin), so a prompt never eats a host's connect timeout. Without a TTY this refuses, so a
 * scheduled run never blocks on a question. Secrets stay in memory only.
 */
export async function askSecrets(
  opts: HostOptions,
  hosts: readonly RunHost[] = [],
): Promise<Record<string, string | undefined>> {
  const env: Record<string, string | undefined> = { ...process.env };
  const wanted = [
    ...(opts.askPass ? (['ssh-password'] as const) : []),
    ...(opts.askBecomePass ? (['become-password'] as const) : []),
  ];
  if (wanted.length === 0) return env;
  const prompt = ttySecretPrompt();
  if (!prompt) {
    throw new Error(
      '--ask-pass/--ask-become-pass need a terminal; set SYSFLEET_SSH_PASSWORD / SYSFLEET_BECOME_PASSWORD instead',
    );
  }
  // the prompt names whose password it wants: sudo and doas the login user's, su the target's
  const methods = [
    ...new Set(
      hosts.filter((h) => h.connection.become).map((h) => h.connection.becomeMethod ?? 'sudo'),
    ),
  ].sort();
  for (const kind of wanted) {
    env[SECRET_ENV[kind]] = await prompt({
      kind,
      host: 'all hosts',
      ...(kind === 'become-password' && methods.length > 0 ? { method: methods.join(', ') } : {}),
    });
  }
  return env;
}

export function makeTransport(
  opts: HostOptions,
  signal: AbortSignal,
  warn: (line: string) => void,
  secretEnv: Record<string, string | undefined> = process.env,
  hosts: readonly RunHost[] = [],
  oneCommandPerConnection = false,
): Transport {
  if (opts.hostKeyChecking === 'off') {
    warn('WARNING: host key checking is OFF: sysfleet cannot tell these hosts from impostors.');
  } else if (opts.hostKeyChecking === 'accept-new') {
    warn(
      'NOTE: host key checking is accept-new: unknown hosts are trusted on first use and recorded.',
    );
  }
  return createTransport({
    hostKeyPolicy: opts.hostKeyChecking,
    ...(opts.knownHosts.length ? { knownHostsFiles: opts.knownHosts } : {}),
    ...(opts.key ? { keyFiles: [opts.key] } : {}),
    connectTimeoutMs: opts.timeout * 1000,
    ...(opts.sshConfig ? { sshConfigFile: opts.sshConfig } : {}),
    ...(opts.maxOutput !== undefined ? { maxOutputBytes: opts.maxOutput } : {}),
    ...(oneCommandPerConnection ? { oneCommandPerConnection } : {}),
    secrets: hostSecrets(envSecrets(secretEnv), secretEnv, hosts),
    signal,
    onEvent: (e) => {
      if (e.type === 'host-key-unverified')
        warn(
          `WARNING: ${e.host}: host key ${e.fingerprint} NOT verified (--host-key-checking off)`,
        );
      if (e.type === 'host-key-recorded')
        warn(`NOTE: ${e.host}: new host key ${e.fingerprint} recorded in ${e.file}`);
    },
  });
}

/**
 * A host's own `sysfleet_become_password_env` wins over SYSFLEET_BECOME_PASSWORD / the prompt, so
 * groups with different sudo passwords can share one run; the inventory only names the variable.
 */
export function hostSecrets(
  base: SecretSource,
  env: Record<string, string | undefined>,
  hosts: readonly RunHost[],
): SecretSource {
  const named = new Map(
    hosts.flatMap((h) =>
      h.connection.becomePasswordEnv ? [[h.name, h.connection.becomePasswordEnv] as const] : [],
    ),
  );
  return {
    get(request) {
      const name = request.kind === 'become-password' ? named.get(request.host) : undefined;
      const value = name ? env[name] : undefined;
      return value ? Promise.resolve(value) : base.get(request);
    },
  };
}

/** What a command that talks to hosts holds for the length of its run. */
export interface RunControl {
  interrupt: Interrupt;
  /** Ctrl-C (or the UI's `a`/`q`) or the deadline: no new host starts. */
  stop: AbortSignal;
  /**
   * The deadline alone: connections, and work already under way on a host, live until it — so a
   * Ctrl-C never cuts a host mid-change (or mid-restore) and its real outcome is recorded.
   */
  deadline: AbortSignal;
  transport: Transport;
  close(): Promise<void>;
}

/** Secrets first (before any handler or UI owns the terminal), then the signals and transport. */
export async function startRun(
  opts: HostOptions,
  hosts: readonly RunHost[],
  warn: (line: string) => void,
  /** check and facts: one command per connection (see ConnectOptions). */
  use: { oneCommandPerConnection?: boolean } = {},
): Promise<RunControl> {
  const secretEnv = await askSecrets(opts, hosts);
  const interrupt = interruptController();
  const deadline = runSignal(opts.deadline * 1000);
  const stop = runSignal(opts.deadline * 1000, interrupt.signal);
  const transport = makeTransport(
    opts,
    deadline,
    warn,
    secretEnv,
    hosts,
    use.oneCommandPerConnection === true,
  );
  return {
    interrupt,
    stop,
    deadline,
    transport,
    close: async () => {
      interrupt.dispose();
      await transport.close();
    },
  };
}

/** Who runs this: recorded in locks and run records (never secrets). */
export function operator(): string {
  return `${userInfo().username}@${hostname()}`;
}
