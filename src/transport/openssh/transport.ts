/**
 * The OpenSSH side of a run: one private control directory, one master per connection, every
 * master ended at close() (and, should the process exit first, killed by pid on the way out).
 */
import type { HostConnection, OpenSshTarget } from '../../connection/types.js';
import type { BecomeSettings } from '../base-connection.js';
import type { SecretSource } from '../secrets.js';
import type { TransportEvent } from '../ssh-client.js';
import { TransportError } from '../types.js';
import type { SshSettings } from './argv.js';
import { ControlDir } from './control-dir.js';
import { OpenSshConnection } from './connection.js';
import { killMasterSync, startMaster, type Master } from './master.js';

/** "Warning: Permanently added '[127.0.0.1]:2201' (ED25519) to the list of known hosts." */
const ADDED = /Permanently added '([^']+)' \(([^)]+)\) to the list of known hosts/;

export function targetOf(t: HostConnection): OpenSshTarget {
  return (
    t.openssh ?? {
      destination: t.address,
      port: t.port,
      user: t.user,
      ...(t.identityFiles[0] ? { identityFile: t.identityFiles[0] } : {}),
      args: [],
    }
  );
}

export class OpenSshOpener {
  private dir?: ControlDir;
  private readonly masters = new Set<Master>();
  private readonly onExit = () => {
    for (const m of this.masters) killMasterSync(m);
    this.dir?.remove();
  };

  constructor(
    private readonly settings: SshSettings,
    private readonly secrets: SecretSource,
    private readonly onEvent?: (e: TransportEvent) => void,
  ) {}

  /**
   * `direct`: the caller runs one command on this connection (see connection.ts): no master is
   * started, and the command's own ssh connects.
   */
  async open(
    target: HostConnection,
    become: BecomeSettings,
    signal?: AbortSignal,
    direct = false,
  ): Promise<OpenSshConnection> {
    if (target.jump.length > 0 && !target.openssh) {
      throw new TransportError(
        'protocol',
        target.name,
        `${target.name}: a jump chain without the inventory's ssh arguments cannot be handed to ssh`,
      );
    }
    const t = targetOf(target);
    if (direct) {
      this.report(target, '');
      return new OpenSshConnection(target.name, this.settings, t, undefined, become, this.secrets);
    }
    if (!this.dir) {
      this.dir = ControlDir.create();
      process.once('exit', this.onExit);
    }
    const master = await startMaster(target.name, this.settings, t, this.dir.socketPath(), signal);
    this.masters.add(master);
    this.report(target, master.stderr);
    return new OpenSshConnection(target.name, this.settings, t, master, become, this.secrets, () =>
      this.masters.delete(master),
    );
  }

  private report(target: HostConnection, stderr: string): void {
    const base = { host: target.name, address: target.address, port: target.port };
    if (this.settings.policy === 'off') {
      this.onEvent?.({
        type: 'host-key-unverified',
        ...base,
        fingerprint: 'not checked (OpenSSH, StrictHostKeyChecking=no)',
      });
    }
    const added = ADDED.exec(stderr);
    if (added) {
      this.onEvent?.({
        type: 'host-key-recorded',
        ...base,
        fingerprint: `${added[2]} key of ${added[1]}`,
        file: this.settings.knownHostsFiles?.[0] ?? 'known_hosts (as ssh_config says)',
      });
    }
  }

  /** After every connection closed: masters left are ended, the socket directory removed. */
  close(): void {
    for (const m of this.masters) killMasterSync(m);
    this.masters.clear();
    this.dir?.remove();
    this.dir = undefined;
    process.removeListener('exit', this.onExit);
  }
}
