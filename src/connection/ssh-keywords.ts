/**
 * The ssh_config keywords OpenSSH 9.2p1 (Debian 12's, the resolver's model) knows, as its
 * readconf.c table maps them: the canonical keywords, the aliases that set another keyword,
 * the deprecated and unsupported ones it reads and ignores. Anything else is "Bad configuration
 * option" — ssh refuses the whole file, in an active block or not — unless the first active
 * `IgnoreUnknown` pattern list names it. Taken from the installed ssh itself (every word in the
 * binary tried with `ssh -G`, and each alias's effect read back); ssh-keywords.oracle.test.ts
 * asks ssh again on every run. Pure.
 */
import { matchPatternList } from './ssh-config-match.js';

/** Keywords that set themselves. */
const CANONICAL = new Set(
  `addkeystoagent addressfamily batchmode bindaddress bindinterface canonicaldomains
  canonicalizefallbacklocal canonicalizehostname canonicalizemaxdots canonicalizepermittedcnames
  casignaturealgorithms certificatefile checkhostip ciphers clearallforwardings compression
  connectionattempts connecttimeout controlmaster controlpath controlpersist dynamicforward
  enableescapecommandline enablesshkeysign escapechar exitonforwardfailure fingerprinthash
  forkafterauthentication forwardagent forwardx11 forwardx11timeout forwardx11trusted
  gatewayports globalknownhostsfile gssapiauthentication gssapiclientidentity
  gssapidelegatecredentials gssapikexalgorithms gssapikeyexchange gssapirenewalforcesrekey
  gssapiserveridentity gssapitrustdns hashknownhosts host hostbasedacceptedalgorithms
  hostbasedauthentication hostkeyalgorithms hostkeyalias hostname identitiesonly identityagent
  identityfile ignoreunknown include ipqos kbdinteractiveauthentication kbdinteractivedevices
  kexalgorithms knownhostscommand localcommand localforward loglevel logverbose macs match
  nohostauthenticationforlocalhost numberofpasswordprompts passwordauthentication
  permitlocalcommand permitremoteopen pkcs11provider port preferredauthentications proxycommand
  proxyjump proxyusefdpass pubkeyacceptedalgorithms pubkeyauthentication rekeylimit
  remotecommand remoteforward requesttty requiredrsasize revokedhostkeys securitykeyprovider
  sendenv serveralivecountmax serveraliveinterval sessiontype setenv stdinnull
  streamlocalbindmask streamlocalbindunlink stricthostkeychecking syslogfacility tcpkeepalive
  tunnel tunneldevice updatehostkeys user userknownhostsfile verifyhostkeydns visualhostkey
  xauthlocation`.split(/\s+/),
);

/** Old names that set a current keyword (ssh -G prints the current one). */
const ALIASES: Readonly<Record<string, string>> = {
  keepalive: 'tcpkeepalive',
  pubkeyacceptedkeytypes: 'pubkeyacceptedalgorithms',
  hostbasedkeytypes: 'hostbasedacceptedalgorithms',
  challengeresponseauthentication: 'kbdinteractiveauthentication',
  skeyauthentication: 'kbdinteractiveauthentication',
  tisauthentication: 'kbdinteractiveauthentication',
  dsaauthentication: 'pubkeyauthentication',
  identityfile2: 'identityfile',
  smartcarddevice: 'pkcs11provider',
  // Debian's patch: old names of ServerAliveInterval
  protocolkeepalives: 'serveraliveinterval',
  setuptimeout: 'serveraliveinterval',
};

/** Read and ignored: deprecated (silently) or unsupported (ssh warns). */
const IGNORED = new Set(
  `cipher fallbacktorsh globalknownhostsfile2 protocol rhostsauthentication useblacklistedkeys
  useprivilegedport userknownhostsfile2 useroaming usersh afstokenpassing compressionlevel
  kerberosauthentication kerberostgtpassing rhostsrsaauthentication rsaauthentication`.split(/\s+/),
);

/**
 * Client keywords of later OpenSSH releases. OpenSSH 9.2 refuses them; sysfleet accepts them so
 * that a config written for the operator's newer ssh still loads, and sends such a host to the
 * OpenSSH transport (whose ssh then decides), never to ssh2 that would ignore them.
 */
export const NEWER_KEYWORDS: Readonly<Record<string, string>> = {
  tag: '9.4',
  obscurekeystroketiming: '9.5',
  channeltimeout: '9.6',
  refuseconnection: '10.0',
  warnweakcrypto: '10.1',
};

export type KeywordVerdict =
  | { kind: 'option'; keyword: string }
  | { kind: 'ignored' }
  | { kind: 'newer'; since: string }
  | { kind: 'bad' };

/** Every keyword ssh 9.2 reads, for did-you-mean. */
export const KNOWN_KEYWORDS: readonly string[] = [
  ...CANONICAL,
  ...Object.keys(ALIASES),
  ...IGNORED,
];

/**
 * What ssh makes of KEYWORD (lower case), given the first active IgnoreUnknown value (its
 * arguments joined by commas) when one was set before this line.
 */
export function keywordVerdict(keyword: string, ignoreUnknown?: string): KeywordVerdict {
  if (CANONICAL.has(keyword)) return { kind: 'option', keyword };
  const alias = ALIASES[keyword];
  if (alias !== undefined) return { kind: 'option', keyword: alias };
  if (IGNORED.has(keyword)) return { kind: 'ignored' };
  const since = NEWER_KEYWORDS[keyword];
  if (since !== undefined) return { kind: 'newer', since };
  if (ignoreUnknown !== undefined && matchPatternList(keyword, ignoreUnknown, true))
    return { kind: 'ignored' };
  return { kind: 'bad' };
}
