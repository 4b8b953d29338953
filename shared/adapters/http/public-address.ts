/**
 * Which IP addresses are public: the classifier every outbound request to a URL the operator (or
 * outside data) chose goes through before it connects. Pure: no lookups, no node modules.
 */

/** One range of the tables below: its first bytes, prefix length in bits, and what it is. */
interface Range {
  bytes: readonly number[];
  bits: number;
  what: string;
  /** Where the range carries an IPv4 address (its byte offset), which is classified in its turn. */
  embedsV4At?: number;
}

function v4(text: string, bits: number, what: string): Range {
  return { bytes: text.split('.').map(Number), bits, what: `${what} (${bits === 32 ? text : `${text}/${bits}`})` };
}

function v6(text: string, bits: number, what: string, embedsV4At?: number): Range {
  const bytes = parseIPv6(text) ?? [];
  return { bytes, bits, what: `${what} (${bits === 128 ? text : `${text}/${bits}`})`, ...(embedsV4At !== undefined ? { embedsV4At } : {}) };
}

// First match wins: a narrower range sits before the one that holds it.
const IPV4_RANGES: readonly Range[] = [
  v4('0.0.0.0', 32, 'the unspecified address'),
  v4('0.0.0.0', 8, 'the "this network" range'),
  v4('10.0.0.0', 8, 'a private address'),
  v4('100.64.0.0', 10, 'a shared (carrier-grade NAT) address'),
  v4('127.0.0.0', 8, 'a loopback address'),
  v4('169.254.169.254', 32, 'the cloud metadata address'),
  v4('169.254.0.0', 16, 'a link-local address'),
  v4('172.16.0.0', 12, 'a private address'),
  v4('192.0.0.0', 24, 'an IETF protocol assignment'),
  v4('192.0.2.0', 24, 'a documentation address'),
  v4('192.88.99.0', 24, 'the retired 6to4 relay range'),
  v4('192.168.0.0', 16, 'a private address'),
  v4('198.18.0.0', 15, 'a benchmarking address'),
  v4('198.51.100.0', 24, 'a documentation address'),
  v4('203.0.113.0', 24, 'a documentation address'),
  v4('224.0.0.0', 4, 'a multicast address'),
  v4('255.255.255.255', 32, 'the broadcast address'),
  v4('240.0.0.0', 4, 'a reserved address'),
];

const IPV6_RANGES: readonly Range[] = [
  v6('::', 128, 'the unspecified address'),
  v6('::1', 128, 'the loopback address'),
  v6('::ffff:0:0', 96, 'an IPv4-mapped address', 12),
  v6('64:ff9b::', 96, 'a NAT64 address', 12),
  v6('64:ff9b:1::', 48, 'a local-use NAT64 address'),
  v6('2001::', 32, 'a Teredo tunnel address'),
  v6('2001:2::', 48, 'a benchmarking address'),
  v6('2001::', 23, 'an IETF protocol assignment'),
  v6('2001:db8::', 32, 'a documentation address'),
  v6('2002::', 16, 'a 6to4 address', 2),
  v6('3fff::', 20, 'a documentation address'),
  v6('fd00:ec2::254', 128, 'the EC2 metadata address'),
  v6('fc00::', 7, 'a unique-local address'),
  v6('fe80::', 10, 'a link-local address'),
  v6('fec0::', 10, 'a site-local address'),
  v6('ff00::', 8, 'a multicast address'),
];

/** Global unicast, 2000::/3: an IPv6 address outside it is reserved, whatever else it is. */
const GLOBAL_UNICAST = v6('2000::', 3, 'global unicast');

function matches(bytes: readonly number[], range: Range): boolean {
  if (range.bytes.length !== bytes.length) return false;
  const whole = Math.floor(range.bits / 8);
  for (let i = 0; i < whole; i += 1) if (bytes[i] !== range.bytes[i]) return false;
  const rest = range.bits % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((bytes[whole] ?? 0) & mask) === ((range.bytes[whole] ?? 0) & mask);
}

/**
 * The four bytes of a dotted-quad IPv4 address, or undefined. Strict: four decimal parts without
 * leading zeros, as resolvers and the URL parser write them (`010.0.0.1` is octal to some readers).
 */
export function parseIPv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes.push(value);
  }
  return bytes;
}

/** The sixteen bytes of an IPv6 address (`::` shorthand, a trailing dotted IPv4 part and a `%zone` allowed), or undefined. */
export function parseIPv6(text: string): number[] | undefined {
  const address = text.split('%')[0] ?? '';
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (half: string): number[] | undefined => {
    if (half === '') return [];
    const groups: number[] = [];
    const parts = half.split(':');
    for (const [index, part] of parts.entries()) {
      if (index === parts.length - 1 && part.includes('.')) {
        const quad = parseIPv4(part);
        if (!quad) return undefined;
        groups.push(((quad[0] ?? 0) << 8) | (quad[1] ?? 0), ((quad[2] ?? 0) << 8) | (quad[3] ?? 0));
      } else {
        if (!/^[0-9a-f]{1,4}$/i.test(part)) return undefined;
        groups.push(parseInt(part, 16));
      }
    }
    return groups;
  };
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const explicit = head.length + tail.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return undefined;
  const groups = [...head, ...new Array<number>(8 - explicit).fill(0), ...tail];
  return groups.flatMap((group) => [group >> 8, group & 0xff]);
}

function describeV4(bytes: readonly number[]): string {
  return bytes.join('.');
}

/**
 * Why an IP address must not be connected to (loopback, private, link-local, unique-local,
 * metadata, multicast, documentation, reserved, ...), or undefined when it is a public unicast
 * address. IPv4-mapped, NAT64 and 6to4 addresses are judged by the IPv4 address they carry. Text
 * that is not an IP address is refused as such.
 *
 * @example nonPublicReason('10.0.0.5') // 'a private address (10.0.0.0/8)'
 * @example nonPublicReason('::ffff:127.0.0.1') // '127.0.0.1 inside an IPv4-mapped address (::ffff:0:0/96): a loopback address (127.0.0.0/8)'
 * @example nonPublicReason('93.184.215.14') // undefined
 */
export function nonPublicReason(address: string): string | undefined {
  const quad = parseIPv4(address);
  if (quad) return IPV4_RANGES.find((range) => matches(quad, range))?.what;
  const bytes = parseIPv6(address);
  if (!bytes) return 'not an IP address';
  const range = IPV6_RANGES.find((candidate) => matches(bytes, candidate));
  if (range?.embedsV4At !== undefined) {
    const inner = bytes.slice(range.embedsV4At, range.embedsV4At + 4);
    const reason = IPV4_RANGES.find((candidate) => matches(inner, candidate))?.what;
    return reason ? `${describeV4(inner)} inside ${range.what}: ${reason}` : undefined;
  }
  if (range) return range.what;
  return matches(bytes, GLOBAL_UNICAST) ? undefined : 'a reserved address (outside 2000::/3, the global unicast range)';
}

/**
 * The IP address a URL's host is written as, once the URL parser has read it (`0x7f000001`,
 * `2130706433` and `127.1` are all `127.0.0.1` to it), without brackets; undefined for a name.
 *
 * @example hostAddress(new URL('https://0x7f000001/')) // '127.0.0.1'
 * @example hostAddress(new URL('https://[::1]:8443/')) // '::1'
 */
export function hostAddress(url: URL): string | undefined {
  const host = url.hostname;
  if (host.startsWith('[') && host.endsWith(']')) return host.slice(1, -1);
  // The URL parser reads any host whose last label is a number as IPv4, and writes it dotted.
  return parseIPv4(host) ? host : undefined;
}

/**
 * Why a URL's host is refused before any name is looked up: an IP address that is not public, or
 * `localhost` (and names under it), which always mean this machine. Undefined otherwise: other
 * names are checked when they are resolved.
 *
 * @example literalHostRefusal(new URL('https://169.254.169.254/')) // 'the cloud metadata address (169.254.169.254)'
 */
export function literalHostRefusal(url: URL): string | undefined {
  const address = hostAddress(url);
  if (address !== undefined) return nonPublicReason(address);
  const name = url.hostname.replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return 'a name for this machine (localhost)';
  return undefined;
}
