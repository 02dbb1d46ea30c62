/**
 * The ssh_config resolution corpus: each case is a config (plus included files) and the hosts to
 * resolve, optionally with ssh command-line options. ssh-resolve.oracle.test.ts runs `ssh -G`
 * on every one (OpenSSH is the oracle) and compares with resolveSsh. `@DIR@` is the case's
 * directory. Match exec commands are harmless (true, false, test). No case contacts a host.
 */
export interface CorpusCase {
  name: string;
  config: string;
  files?: Record<string, string>;
  /** Hosts, each `host` or `host -o X=y -l user ...` (ssh arguments before the host). */
  hosts: string[];
  /** /etc/hosts lines seen by both ssh and the resolver (CanonicalizeHostname). */
  etcHosts?: string;
}

export const CORPUS: CorpusCase[] = [
  {
    name: 'first value wins, negation, case-sensitive Host, = syntax, Port ssh, quotes',
    config: `# comment
Host web-* !web-legacy
  User=deploy
  Port ssh
  IdentityFile "~/.ssh/key with space"
  IdentityFile ~/.ssh/id_%r
Host WEB-*
  User upper
Host web-legacy
  User legacy
  Port 2022
Host *
  User fallback
  Port 22
  IdentityFile ~/.ssh/id_ed25519
  IdentityFile "~/.ssh/key with space"
`,
    hosts: ['web-1', 'WEB-1', 'web-legacy', 'other', 'Web-1'],
  },
  {
    name: 'HostName tokens and the client tokens in known_hosts paths',
    config: `Host a b
  HostName %h.Example.COM
  UserKnownHostsFile ~/.ssh/kh-%h-%p-%r-%n-%C-%L-%l-%u-%i-%d-%k-%% \${HOME}/kh2
  GlobalKnownHostsFile /etc/ssh/fleet_known_hosts
Host lit
  HostName 100%%.example
  User ops
  Port 2200
  UserKnownHostsFile @DIR@/kh_%h_%r_%p
  CertificateFile ~/.ssh/%h-cert.pub
  CertificateFile ~/.ssh/second-cert.pub
Host alias
  HostKeyAlias aliased
  UserKnownHostsFile /kh/%k
`,
    hosts: ['a', 'b', 'lit', 'alias', 'a -o User=someone -p 2222'],
  },
  {
    name: 'Match criteria: host, originalhost, user, localuser, exec, all, negation',
    config: `Host h1 h2 h3
  HostName %h.internal
Match host h1.internal
  User by-match-host
Match originalhost h2
  User by-original
Match user nobody-here,!root localuser root
  Port 1111
Match localuser root exec "test %h = h3.internal"
  Port 3333
Match !host h1.internal exec false
  Port 4444
Match exec true host *.INTERNAL
  IdentityFile ~/.ssh/internal
Match all
  User everyone
  Port 2222
`,
    hosts: ['h1', 'h2', 'h3', 'h4', 'h1 -l given'],
  },
  {
    name: 'Match canonical / final and a second pass',
    config: `Host short
  HostName Short.Example
Match final host short.example
  User final-user
Match canonical
  Port 2020
Match !final
  IdentityFile ~/.ssh/first-pass
Host short.example
  ProxyJump from-final-pass
`,
    hosts: ['short', 'other'],
  },
  {
    name: 'Include restores the Host/Match state and never applies from an inactive block',
    config: `Host inc
  User before-include
  Include @DIR@/inc/*.conf
  Port 2001
Host other
  Include @DIR@/other.conf
Include @DIR@/nomatch-*.conf
Include @DIR@/global.conf
Host *
  IdentityFile ~/.ssh/last
`,
    files: {
      'inc/10-a.conf': `Host inc
  Port 1010
Host zzz
  User from-zzz
`,
      'inc/20-b.conf': `IdentityFile ~/.ssh/from-20-b
Host *
  CertificateFile ~/.ssh/from-20-b-cert.pub
`,
      'inc/.hidden.conf': 'User hidden\n',
      'other.conf': `User from-other-conf
Host inc
  StrictHostKeyChecking accept-new
`,
      'global.conf': `Host inc other
  GlobalKnownHostsFile /etc/ssh/from-global
Match host other
  StrictHostKeyChecking no
`,
    },
    hosts: ['inc', 'other', 'zzz', 'none-of-them'],
  },
  {
    name: 'ProxyCommand and ProxyJump: the first one set wins, none',
    config: `Host pc
  ProxyCommand ssh -W %h:%p bastion
  ProxyJump never-used
Host pj
  ProxyJump ops@bastion:2222,inner
  ProxyCommand never-used %h
Host nothing
  ProxyCommand none
Host *
  ProxyCommand nc -X connect -x proxy.example:3128 %h %p
`,
    hosts: ['pc', 'pj', 'nothing', 'x', 'x -J j1,j2', 'pc -o ProxyCommand=none'],
  },
  {
    name: 'CanonicalizeHostname: NSS files never match `name.`, so fallback, final pass, max dots',
    etcHosts: `127.0.0.1 localhost
127.0.0.1 db.corp.example
127.0.0.1 web.lab.example
`,
    config: `Host db web nowhere
  CanonicalizeHostname yes
  CanonicalDomains nope.example corp.example lab.example
Host proxied
  CanonicalizeHostname yes
  CanonicalDomains corp.example
  ProxyCommand nc %h %p
  HostName db
Host always
  CanonicalizeHostname always
  CanonicalDomains corp.example
  ProxyJump somewhere
  HostName db
Host a.b
  CanonicalizeHostname yes
  CanonicalDomains corp.example
Host *.corp.example
  User corp-user
Host web.lab.example
  Port 8022
`,
    hosts: ['db', 'web', 'nowhere', 'proxied', 'always', 'a.b'],
  },
  {
    name: 'CanonicalizeHostname off/yes/always: several CanonicalDomains in order, MaxDots, anchored names, FallbackLocal, the final pass',
    // NSS files match `name.` only when the hosts line spells it so (as a DNS answer would).
    etcHosts: `127.0.1.1 db.corp.example.
127.0.1.2 web.lab.example.
127.0.1.3 both.corp.example.
127.0.1.4 both.lab.example.
127.0.1.5 a.b.corp.example.
127.0.1.6 x.y.z.corp.example.
127.0.1.7 anchored.example.
`,
    config: `Host off
  HostName db
  CanonicalizeHostname no
  CanonicalDomains corp.example
Host db web both nowhere a.b x.y.z anchored.example. gone.example. DB
  CanonicalizeHostname yes
  CanonicalDomains nope.example Corp.Example lab.example.
Host deep
  HostName x.y.z
  CanonicalizeHostname yes
  CanonicalizeMaxDots 2
  CanonicalDomains corp.example
Host jumped
  HostName db
  CanonicalizeHostname yes
  CanonicalDomains corp.example
  ProxyJump bastion
Host jumped-always
  HostName db
  CanonicalizeHostname always
  CanonicalDomains corp.example
  ProxyJump bastion
Host piped-always
  HostName web
  CanonicalizeHostname always
  CanonicalDomains lab.example
  ProxyCommand nc %h %p
Host empty-domains
  HostName db
  CanonicalizeHostname yes
Host *.corp.example
  User corp-user
Match canonical host *.lab.example
  Port 8022
Match final host db.corp.example
  IdentityFile ~/.ssh/final-db
Match !canonical
  IdentityFile ~/.ssh/first-pass
Match canonical originalhost jumped*
  StrictHostKeyChecking accept-new
`,
    hosts: [
      'off',
      'db',
      'DB',
      'web',
      'both',
      'nowhere',
      'a.b',
      'a.b -o CanonicalizeMaxDots=0',
      'x.y.z',
      'x.y.z -o CanonicalizeMaxDots=3',
      'deep',
      'anchored.example.',
      'gone.example.',
      'jumped',
      'jumped-always',
      'piped-always',
      'empty-domains',
      'db -o CanonicalizeFallbackLocal=no',
      'nowhere -o CanonicalizeFallbackLocal=no',
      'gone.example. -o CanonicalizeFallbackLocal=no',
      'x.y.z -o CanonicalizeFallbackLocal=no',
      'empty-domains -o CanonicalizeFallbackLocal=no',
      'jumped -o CanonicalizeFallbackLocal=no',
      'jumped-always -o CanonicalizeFallbackLocal=no -o HostName=nowhere',
      'other -o CanonicalizeHostname=yes -o CanonicalDomains=lab.example -o HostName=web',
    ],
  },
  {
    name: 'CanonicalizePermittedCNAMEs: the canonical name (the hosts line first name) followed when a rule permits',
    etcHosts: `127.0.2.1 real.target.example. cn.corp.example.
127.0.2.2 real2.target.example cnbare
127.0.2.3 Mixed.Target.example. mx.corp.example.
127.0.2.4 real3.target.example. cn3.corp.example. cn3.lab.example.
`,
    config: `Host cn1 cn-wrong mx mx-star cn3 cn-none
  CanonicalizeHostname yes
  CanonicalDomains corp.example lab.example
Host cn1
  HostName cn
  CanonicalizePermittedCNAMEs *.corp.example:*.target.example
Host cn-wrong
  HostName cn
  CanonicalizePermittedCNAMEs *.corp.example:*.other.example,*.lab.example:*
Host mx
  HostName mx
  CanonicalizePermittedCNAMEs *.corp.example:*.target.example
Host mx-star
  HostName mx
  CanonicalizePermittedCNAMEs *:*
Host cn3
  CanonicalizePermittedCNAMEs *.lab.example:* *.corp.example:real3.*
Host cn-none
  HostName cn
  CanonicalizePermittedCNAMEs none
Host bare
  HostName cnbare
  CanonicalizeHostname yes
  CanonicalDomains corp.example
  CanonicalizePermittedCNAMEs cnbare:*.target.example
Host bare-off
  HostName cnbare
  CanonicalizeHostname no
  CanonicalizePermittedCNAMEs *:*
Host missing-off
  HostName nowhere
  CanonicalizePermittedCNAMEs *:*
Host missing-yes
  HostName nowhere
  CanonicalizeHostname yes
  CanonicalDomains corp.example
  CanonicalizePermittedCNAMEs *:*
Host missing-jumped
  HostName nowhere
  CanonicalizeHostname yes
  CanonicalizePermittedCNAMEs *:*
  ProxyJump bastion
Host missing-jumped-always
  HostName nowhere
  CanonicalizeHostname always
  CanonicalizePermittedCNAMEs *:*
  ProxyJump bastion
Host cn-jumped-always
  CanonicalizeHostname always
Host cn-jumped cn-jumped-always
  HostName cnbare
  CanonicalizeHostname yes
  CanonicalizePermittedCNAMEs *:*
  ProxyJump bastion
Host *.target.example
  User target-user
Match canonical host real.target.example
  Port 2222
`,
    hosts: [
      'cn1',
      'cn-wrong',
      'mx',
      'mx-star',
      'cn3',
      'cn-none',
      'bare',
      'bare-off',
      'missing-off',
      'missing-yes',
      'missing-jumped',
      'missing-jumped-always',
      'cn-jumped',
      'cn-jumped-always',
    ],
  },
  {
    name: 'numeric addresses are rewritten to their canonical form, canonicalisation on or off',
    config: `Host *
  User numeric
`,
    hosts: [
      '127.000.000.001',
      '010.1',
      '0x7f.1',
      '0X7F.0.0.0X1',
      '4294967295',
      '4294967296',
      '42',
      '1.2.3.256',
      '1.2.65535',
      '1.2.65536',
      '09.1.1.1',
      '127.0.0.1.',
      '::FFFF:1',
      '0:0::1',
      '::2',
      '::',
      '1:0:0:2:0:0:0:3',
      '1:0:0:0:2:0:0:3',
      '::ffff:0:1',
      '::ffff:1.2.3.4',
      '1::2:3:4:5:6:7',
      '2001:DB8::0001',
      '1:2:3:4:5:6:7:8:9',
      '::1.2.3',
      '::1 -o AddressFamily=inet',
      '127.1 -o AddressFamily=inet6',
      '0x7f.1 -o CanonicalizeHostname=yes -o CanonicalDomains=corp.example',
    ],
  },
  {
    name: 'the canonicalisation keywords are checked as readconf.c checks them',
    config: `Host *
  User checked
`,
    hosts: [
      'x -o CanonicalizeHostname=maybe',
      'x -o CanonicalizeHostname=TRUE',
      'x -o CanonicalizeFallbackLocal=maybe',
      'x -o CanonicalizeMaxDots=abc',
      'x -o CanonicalizeMaxDots=-1',
      'x -o CanonicalizeMaxDots=99999999999',
      'x -o CanonicalizeMaxDots=010',
      'x -o CanonicalDomains=-bad.example',
      'x -o CanonicalDomains=a..example',
      'x -o CanonicalDomains=bad!.example',
      'x -o CanonicalizePermittedCNAMEs=nocolon',
      'x -o CanonicalizePermittedCNAMEs=none:',
      'x -o CanonicalizePermittedCNAMEs=*:*',
    ],
  },
  {
    name: 'real-world: GitHub, bastion wildcards, ControlMaster',
    config: `Host github.com
  HostName ssh.github.com
  Port 443
  User git
  IdentityFile ~/.ssh/github_ed25519
  IdentitiesOnly yes

Host bastion
  HostName bastion.prod.example.com
  User jumpuser
  ForwardAgent no

Host 10.20.* *.prod.internal
  ProxyJump bastion
  User ec2-user
  StrictHostKeyChecking yes
  UserKnownHostsFile ~/.ssh/known_hosts.prod

Host *
  ControlMaster auto
  ControlPath ~/.ssh/cm-%C
  ControlPersist 10m
  ServerAliveInterval 30
  AddKeysToAgent yes
`,
    hosts: ['github.com', 'bastion', '10.20.3.4', 'app.prod.internal', 'elsewhere'],
  },
  {
    name: 'real-world: cloud tunnels as ProxyCommand (SSM, IAP, teleport)',
    config: `Host i-* mi-*
  ProxyCommand sh -c "aws ssm start-session --target %h --document-name AWS-StartSSHSession --parameters 'portNumber=%p'"
  User ec2-user
Host gcp-*
  ProxyCommand gcloud compute start-iap-tunnel %n %p --listen-on-stdin --zone=europe-west1-b
Host *.teleport.example
  ProxyCommand tsh proxy ssh --cluster=prod %r@%h:%p
  UserKnownHostsFile ~/.tsh/known_hosts
  CertificateFile ~/.tsh/keys/prod/alice-ssh/prod-cert.pub
  IdentityFile ~/.tsh/keys/prod/alice
`,
    hosts: ['i-0123456789abcdef0', 'gcp-vm1', 'node1.teleport.example'],
  },
  {
    name: 'real-world: Kerberos and a per-user Match block',
    config: `Host *.realm.example
  GSSAPIAuthentication yes
  GSSAPIDelegateCredentials yes
  User %u
Match user root host *.realm.example
  User admin-by-match
Match localuser root
  IdentityFile ~/.ssh/id_root_%l
`,
    hosts: ['a.realm.example', 'b.realm.example -l explicit'],
  },
  {
    name: 'errors ssh refuses: unknown token, unset variable',
    config: `Host badtok
  UserKnownHostsFile ~/.ssh/%Z
Host badenv
  UserKnownHostsFile \${SYSFLEET_SURELY_UNSET_VARIABLE}/kh
Host fine
  User ok
`,
    hosts: [
      'badtok',
      'badenv',
      'fine',
      'fine -o Port=http',
      'fine -o Port=no-such-service',
      'fine -o Port=0',
    ],
  },
  {
    name: 'extra arguments are refused, quoted ones are one argument',
    config: `Host split
  IdentityFile ~/.ssh/two words
Host *
  IdentityFile "~/.ssh/one value"
  User "quoted user"
`,
    hosts: ['split', 'other', 'other -o IdentityFile="~/x y"'],
  },
  {
    name: 'IgnoreUnknown: only the first active one, only for lines after it',
    config: `Host early
  IgnoreUnknown ProprietaryOpt,vendor*
Host *
  ProprietaryOpt yes
  VendorThing 1
  User from-star
`,
    hosts: ['early', 'late'],
  },
  {
    name: 'IgnoreUnknown set too late, and negated',
    config: `Host x
  User first
  MysteryOption 1
IgnoreUnknown MysteryOption
Host y
  IgnoreUnknown *,!Mystery2
  Mystery2 1
`,
    hosts: ['x', 'y'],
  },
  {
    name: 'an unknown keyword in an Include read in an inactive block still fails the file',
    config: `Host nowhere
  Include @DIR@/extra
Host *
  User u
`,
    files: { extra: 'NoSuchKeyword yes\n' },
    hosts: ['a'],
  },
  {
    name: 'aliases and deprecated keywords: accepted as ssh accepts them',
    config: `Host *
  PubkeyAcceptedKeyTypes ssh-ed25519
  KeepAlive no
  IdentityFile2 ~/.ssh/old_key
  Protocol 2
  UseRoaming no
  RSAAuthentication yes
  User aliased
`,
    hosts: ['a', 'b -o Cipher=blowfish', 'c -o NotAnOption=1'],
  },
];

/** ssh -G with no -F: ~/.ssh/config (if any) then /etc/ssh/ssh_config and its Includes. */
export const SYSTEM_CONFIG_HOSTS = ['plain-host', 'plain-host -o User=x -p 2200'];
