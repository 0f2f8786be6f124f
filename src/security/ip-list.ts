// Lists of addresses and CIDRs (allow lists), matched with node's BlockList.
import { normalizeIP } from '@fastify/rate-limit'
import { BlockList, isIP, isIPv6 } from 'node:net'

export type IpMatcher = (ip: string) => boolean

const MATCH_CACHE_SIZE = 10_000

/** A matcher for entries such as `10.0.0.5`, `10.0.0.0/8` or `2001:db8::/32`. */
export function ipMatcher (entries: string[]): IpMatcher {
  if (entries.length === 0) return () => false
  const list = new BlockList()
  for (const entry of entries) {
    const [address, prefix] = entry.split('/')
    const type = isIPv6(address) ? 'ipv6' : 'ipv4'
    if (prefix === undefined) list.addAddress(address, type)
    else list.addSubnet(address, Number(prefix), type)
  }
  const check = (ip: string) => {
    if (!isIP(ip)) return false
    // An IPv4-mapped IPv6 address (::ffff:10.0.0.5) is matched as the IPv4 address it carries.
    const plain = normalizeIP(ip, 128)
    return list.check(plain, isIPv6(plain) ? 'ipv6' : 'ipv4')
  }
  // Every request asks for its IP, and BlockList.check builds a SocketAddress each time: the answers
  // are remembered, for a bounded number of addresses (the list never changes while running).
  const answers = new Map<string, boolean>()
  return (ip) => {
    let answer = answers.get(ip)
    if (answer === undefined) {
      if (answers.size >= MATCH_CACHE_SIZE) answers.clear()
      answer = check(ip)
      answers.set(ip, answer)
    }
    return answer
  }
}

/** Checks the entries of a configured list; returns the first that is neither an address nor a CIDR. */
export function invalidIpEntry (entries: string[]): string | undefined {
  return entries.find((entry) => {
    const [address, prefix, extra] = entry.split('/')
    if (extra !== undefined || !isIP(address)) return true
    if (prefix === undefined) return false
    const bits = Number(prefix)
    return !/^\d+$/.test(prefix) || bits > (isIPv6(address) ? 128 : 32)
  })
}
