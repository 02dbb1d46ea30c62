// Measures ssh_config resolution: the pure resolver (src/connection) vs one `ssh -G` per host,
// for 200 hosts behind a ProxyJump hop. Why sysfleet resolves itself and keeps ssh -G as the
// test oracle. Run after `npm run build`: node scripts/bench-ssh-resolve.mjs
// (ssh -G contacts no host; the temp dir is removed.)
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSshConfig } from '../dist/connection/load-ssh-config.js';
import { resolveConnection } from '../dist/connection/connection.js';
const dir = mkdtempSync(join(tmpdir(), 'bench-res-'));
const cfgPath = join(dir, 'config');
writeFileSync(
  cfgPath,
  `Host bastion\n  HostName 10.0.0.1\n  User jump\nHost web-*\n  ProxyJump bastion\n  User deploy\n  IdentityFile ~/.ssh/web_%r\nMatch host web-1*\n  Port 2222\nHost *\n  ServerAliveInterval 30\n  UserKnownHostsFile ~/.ssh/known_hosts.%h\n`,
);
const N = 200;
const hosts = Array.from({ length: N }, (_, i) => ({
  name: `web-${i}`,
  groups: ['all'],
  vars: {},
}));
let t = process.hrtime.bigint();
const cfg = await loadSshConfig(cfgPath);
for (const h of hosts) resolveConnection(h, cfg);
const pure = Number(process.hrtime.bigint() - t) / 1e6;
t = process.hrtime.bigint();
for (const h of hosts)
  spawnSync('ssh', ['-G', '-F', cfgPath, h.name], { stdio: ['ignore', 'pipe', 'ignore'] });
const g = Number(process.hrtime.bigint() - t) / 1e6;
console.log(
  `${N} hosts (with a jump hop each): pure resolver ${pure.toFixed(1)} ms total; ssh -G ${g.toFixed(0)} ms total (${(g / N).toFixed(1)} ms/host, serial)`,
);
rmSync(dir, { recursive: true, force: true });
