import { BlockList, isIPv6 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostAddress, literalHostRefusal, nonPublicReason, parseIPv6 } from '../../../../shared/adapters/http/public-address.js';

describe('nonPublicReason', () => {
  it.each([
    ['0.0.0.0', 'the unspecified address (0.0.0.0)'],
    ['0.1.2.3', 'the "this network" range (0.0.0.0/8)'],
    ['10.0.0.5', 'a private address (10.0.0.0/8)'],
    ['100.64.0.1', 'a shared (carrier-grade NAT) address (100.64.0.0/10)'],
    ['100.127.255.254', 'a shared (carrier-grade NAT) address (100.64.0.0/10)'],
    ['127.0.0.1', 'a loopback address (127.0.0.0/8)'],
    ['127.255.0.9', 'a loopback address (127.0.0.0/8)'],
    ['169.254.169.254', 'the cloud metadata address (169.254.169.254)'],
    ['169.254.170.2', 'a link-local address (169.254.0.0/16)'],
    ['172.16.0.1', 'a private address (172.16.0.0/12)'],
    ['172.31.255.255', 'a private address (172.16.0.0/12)'],
    ['192.0.0.8', 'an IETF protocol assignment (192.0.0.0/24)'],
    ['192.0.2.10', 'a documentation address (192.0.2.0/24)'],
    ['192.168.1.1', 'a private address (192.168.0.0/16)'],
    ['198.18.0.1', 'a benchmarking address (198.18.0.0/15)'],
    ['198.19.255.255', 'a benchmarking address (198.18.0.0/15)'],
    ['198.51.100.7', 'a documentation address (198.51.100.0/24)'],
    ['203.0.113.7', 'a documentation address (203.0.113.0/24)'],
    ['224.0.0.251', 'a multicast address (224.0.0.0/4)'],
    ['239.255.255.250', 'a multicast address (224.0.0.0/4)'],
    ['240.0.0.1', 'a reserved address (240.0.0.0/4)'],
    ['255.255.255.255', 'the broadcast address (255.255.255.255)'],
  ])('refuses the IPv4 address %s: %s', (address, reason) => {
    expect(nonPublicReason(address)).toBe(reason);
  });

  it.each([
    ['::', 'the unspecified address (::)'],
    ['::1', 'the loopback address (::1)'],
    ['::ffff:127.0.0.1', '127.0.0.1 inside an IPv4-mapped address (::ffff:0:0/96): a loopback address (127.0.0.0/8)'],
    ['::ffff:7f00:1', '127.0.0.1 inside an IPv4-mapped address (::ffff:0:0/96): a loopback address (127.0.0.0/8)'],
    ['::ffff:a9fe:a9fe', '169.254.169.254 inside an IPv4-mapped address (::ffff:0:0/96): the cloud metadata address (169.254.169.254)'],
    ['64:ff9b::10.0.0.5', '10.0.0.5 inside a NAT64 address (64:ff9b::/96): a private address (10.0.0.0/8)'],
    ['64:ff9b::a9fe:a9fe', '169.254.169.254 inside a NAT64 address (64:ff9b::/96): the cloud metadata address (169.254.169.254)'],
    ['64:ff9b:1::1', 'a local-use NAT64 address (64:ff9b:1::/48)'],
    ['2002:c0a8:101::1', '192.168.1.1 inside a 6to4 address (2002::/16): a private address (192.168.0.0/16)'],
    ['2001:0:4136:e378::1', 'a Teredo tunnel address (2001::/32)'],
    ['2001:2::1', 'a benchmarking address (2001:2::/48)'],
    ['2001:10::1', 'an IETF protocol assignment (2001::/23)'],
    ['2001:db8::1', 'a documentation address (2001:db8::/32)'],
    ['3fff:1::1', 'a documentation address (3fff::/20)'],
    ['fd00:ec2::254', 'the EC2 metadata address (fd00:ec2::254)'],
    ['fc00::1', 'a unique-local address (fc00::/7)'],
    ['fd12:3456:789a::1', 'a unique-local address (fc00::/7)'],
    ['fe80::1', 'a link-local address (fe80::/10)'],
    ['fe80::1%eth0', 'a link-local address (fe80::/10)'],
    ['febf::1', 'a link-local address (fe80::/10)'],
    ['fec0::1', 'a site-local address (fec0::/10)'],
    ['ff02::1', 'a multicast address (ff00::/8)'],
    ['::127.0.0.1', 'a reserved address (outside 2000::/3, the global unicast range)'],
    ['100::1', 'a reserved address (outside 2000::/3, the global unicast range)'],
    ['4000::1', 'a reserved address (outside 2000::/3, the global unicast range)'],
  ])('refuses the IPv6 address %s: %s', (address, reason) => {
    expect(nonPublicReason(address)).toBe(reason);
  });

  it.each([
    '93.184.215.14',
    '1.1.1.1',
    '8.8.8.8',
    '100.128.0.1',
    '172.32.0.1',
    '198.20.0.1',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2a05:d018::1',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
    '2002:808:808::1',
  ])('lets the public address %s through', (address) => {
    expect(nonPublicReason(address)).toBeUndefined();
  });

  it.each([
    '',
    'localhost',
    '127.1',
    '0x7f000001',
    '2130706433',
    '010.0.0.1',
    '1.2.3.256',
    '1.2.3',
    ':::1',
    '1::2::3',
    'g::1',
    '1:2:3:4:5:6:7:8:9',
    '[::1]',
  ])('refuses %j as not an IP address', (text) => {
    expect(nonPublicReason(text)).toBe('not an IP address');
  });

  it('agrees with node:net on every IPv4 address, for the ranges it refuses', () => {
    const refused = new BlockList();
    for (const [network, prefix] of [
      ['0.0.0.0', 8],
      ['10.0.0.0', 8],
      ['100.64.0.0', 10],
      ['127.0.0.0', 8],
      ['169.254.0.0', 16],
      ['172.16.0.0', 12],
      ['192.0.0.0', 24],
      ['192.0.2.0', 24],
      ['192.88.99.0', 24],
      ['192.168.0.0', 16],
      ['198.18.0.0', 15],
      ['198.51.100.0', 24],
      ['203.0.113.0', 24],
      ['224.0.0.0', 3],
    ] as const) {
      refused.addSubnet(network, prefix, 'ipv4');
    }

    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        expect(nonPublicReason(address) !== undefined).toBe(refused.check(address, 'ipv4'));
      }),
      { numRuns: 5000 },
    );
  });

  it('reads every IPv6 form node:net reads, to the same bytes the URL parser does', () => {
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        expect(isIPv6(address)).toBe(true);
        const bytes = parseIPv6(address);
        const canonical = new URL(`https://[${address}]/`).hostname.slice(1, -1);
        expect(bytes).toEqual(parseIPv6(canonical));
        expect(bytes).toHaveLength(16);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('literalHostRefusal', () => {
  it.each([
    ['https://169.254.169.254/', 'the cloud metadata address (169.254.169.254)'],
    ['https://127.0.0.1:9001/', 'a loopback address (127.0.0.0/8)'],
    ['https://10.0.0.5/', 'a private address (10.0.0.0/8)'],
    ['https://0x7f000001/', 'a loopback address (127.0.0.0/8)'],
    ['https://2130706433/', 'a loopback address (127.0.0.0/8)'],
    ['https://127.1/', 'a loopback address (127.0.0.0/8)'],
    ['https://0177.0.0.1/', 'a loopback address (127.0.0.0/8)'],
    ['https://[::1]/', 'the loopback address (::1)'],
    ['https://[::ffff:127.0.0.1]/', '127.0.0.1 inside an IPv4-mapped address (::ffff:0:0/96): a loopback address (127.0.0.0/8)'],
    ['https://[fd00:ec2::254]/', 'the EC2 metadata address (fd00:ec2::254)'],
    ['https://[::]/', 'the unspecified address (::)'],
    ['https://0.0.0.0/', 'the unspecified address (0.0.0.0)'],
    ['https://localhost/', 'a name for this machine (localhost)'],
    ['https://LOCALHOST./', 'a name for this machine (localhost)'],
    ['https://api.localhost:8443/', 'a name for this machine (localhost)'],
  ])('refuses %s: %s', (url, reason) => {
    expect(literalHostRefusal(new URL(url))).toBe(reason);
  });

  it.each([
    'https://scores.acme.example/v1',
    'https://93.184.215.14/',
    'https://[2606:4700:4700::1111]/',
    'https://localhost.acme.example/',
  ])('leaves %s to be checked when it is resolved', (url) => {
    expect(literalHostRefusal(new URL(url))).toBeUndefined();
  });

  it('reads the address as the URL parser writes it', () => {
    expect(hostAddress(new URL('https://0x7f000001/'))).toBe('127.0.0.1');
    expect(hostAddress(new URL('https://[::FFFF:127.0.0.1]:8443/'))).toBe('::ffff:7f00:1');
    expect(hostAddress(new URL('https://scores.acme.example/'))).toBeUndefined();
  });
});
