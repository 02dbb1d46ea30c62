/**
 * The transport seam: everything that talks to a host goes through a Connection.
 * Implementations: ssh (ssh2) and local. Data reaches the host on stdin, never in argv.
 */
export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit status; null when the process died by a signal or the channel closed without one. */
  code: number | null;
  signal?: string;
}

export interface ExecOptions {
  /** Written to the remote command's stdin, then stdin is closed. */
  stdin?: string | Buffer;
  /** Per-command timeout in ms; the channel is closed and a TransportError('timeout') thrown. */
  timeoutMs?: number;
  /** Run through the become method (sudo) when the host is configured for it. */
  become?: boolean;
  signal?: AbortSignal;
  /** Cap on stdout and stderr each (default: the connection's, 1 MiB); beyond it the command
   * is killed and fails with "output exceeded ...". */
  maxOutputBytes?: number;
}

/**
 * A remote process whose stdin/stdout are streamed both ways, for conversations within one exec
 * (apply: the host prints its snapshot, the control node stores it durably, then writes `go`).
 */
export interface RemoteProcess {
  /** Data for the remote process; with become+password the password line is sent first for you. */
  readonly stdin: NodeJS.WritableStream;
  readonly stdout: NodeJS.ReadableStream;
  readonly stderr: NodeJS.ReadableStream;
  /** Resolves when the remote process exits (or the channel closes). */
  readonly done: Promise<{ code: number | null; signal?: string }>;
  /** Close the channel (the remote side sees EOF / SIGHUP). */
  kill(): void;
}

/**
 * Where an ssh2 connection's set-up time went (`--timings`): TCP (or the tunnel) until the socket
 * was up, the key exchange (with the algorithm negotiated), and authentication.
 */
export interface ConnectSetup {
  tcpMs: number;
  kexMs: number;
  authMs: number;
  kex: string;
}

export interface Connection {
  readonly host: string;
  /** The set-up's phases, where the transport can tell them apart (ssh2; not OpenSSH or local). */
  readonly setup?: ConnectSetup;
  /** Run a fixed command (no user data in it) and collect its output. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Start a fixed command and stream its stdio (stdin option ignored; timeoutMs still applies). */
  spawn(command: string, options?: Omit<ExecOptions, 'stdin'>): Promise<RemoteProcess>;
  close(): Promise<void>;
}

export type TransportErrorKind =
  | 'refused' // TCP connection refused
  | 'timeout' // connect, handshake or command timeout
  | 'host_key_changed' // known_hosts mismatch: nothing runs there
  | 'host_key_unknown' // strict policy and no known_hosts entry
  | 'host_key_revoked'
  | 'auth' // authentication failed (never retried)
  | 'become' // sudo needs a password that was not given, or refused
  | 'network' // reset, unreachable, DNS
  | 'protocol'
  // the inventory asks for a connection type or become method sysfleet lacks, or neither ssh2
  // nor the system ssh can do what the configuration asks
  | 'unsupported';

export class TransportError extends Error {
  constructor(
    readonly kind: TransportErrorKind,
    readonly host: string,
    message: string,
    /**
     * The connection was never made, though the command was already under way: OpenSSH's direct
     * mode (one `ssh` that connects and runs the command) fails this way where others fail in
     * connect(). Reports count such a host as not reached.
     */
    readonly duringSetup = false,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export type HostKeyPolicy = 'strict' | 'accept-new' | 'off';
