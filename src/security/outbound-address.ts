// Addresses Tollgate refuses to fetch from on a client's behalf (a jwks_uri): loopback, private,
// link-local, shared, multicast and other special-purpose ranges (RFC 6890), so that a client's
// registration cannot make the server reach its own network. A setting may allow them in development.
import { normalizeIP } from '@fastify/rate-limit'
import { BlockList, isIPv6 } from 'node:net'

const SPECIAL = new BlockList()
for (const [address, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) SPECIAL.addSubnet(address, prefix, 'ipv4')
for (const [address, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) SPECIAL.addSubnet(address, prefix, 'ipv6')

/** True for an address no fetch on a client's behalf may reach (an IPv4-mapped IPv6 address as its IPv4). */
export function isSpecialPurposeAddress (ip: string): boolean {
  const plain = normalizeIP(ip, 128)
  return SPECIAL.check(plain, isIPv6(plain) ? 'ipv6' : 'ipv4')
}
