// The public keys a client signs its assertions with: its inline JWK set, or the set at its
// jwks_uri. A jwks_uri must be https and must not lead to a loopback, private or link-local address
// (each setting may allow it for development); the address is checked where the connection is made,
// so a name that resolves differently later cannot slip through. Sets are fetched with a bounded
// timeout and size, cached, and fetched again (at most once per cooldown) when an assertion names a
// kid the cached set lacks, so that a client can rotate. A failed fetch is remembered too: until it
// expires, the last good keys serve, or the client is refused without a new fetch.
import { LRUCache } from 'lru-cache'
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { isSpecialPurposeAddress } from '../security/outbound-address.js'
import type { Client, JsonWebKeySet } from '../store/port.js'
import { cachedVerificationKey, KeyError, type VerificationKey } from '../tokens/public-keys.js'
import { JwtRejected } from '../tokens/verify-jwt.js'

export interface ClientKeySettings {
  jwksTimeoutMs: number
  jwksCacheSeconds: number
  /** How long a failed fetch is remembered. */
  jwksFailureCacheSeconds: number
  jwksAllowHttp: boolean
  jwksAllowPrivateAddresses: boolean
}

const MAX_JWKS_BYTES = 64 * 1024
const REFETCH_COOLDOWN_MS = 30_000
/** jwks_uris remembered at once (keys or failure); the least recently used is forgotten first. */
const MAX_CACHED_SETS = 1000

interface CachedSet {
  keys: VerificationKey[]
  /** When the keys were fetched; absent when no fetch ever succeeded. */
  fetchedAt?: number
  /** When fetching it last failed, and why (for the log). */
  failedAt?: number
  failure?: string
}

class FetchFailed extends Error {}

/** The usable keys of a set; a key that cannot be used is skipped, as RFC 7517 section 5 allows. */
function usableKeys (set: JsonWebKeySet | undefined): VerificationKey[] {
  const keys: VerificationKey[] = []
  for (const jwk of Array.isArray(set?.keys) ? set.keys : []) {
    try {
      keys.push(cachedVerificationKey(jwk))
    } catch (err) {
      if (!(err instanceof KeyError)) throw err
    }
  }
  return keys
}

export class ClientKeys {
  private readonly remote = new LRUCache<string, CachedSet>({ max: MAX_CACHED_SETS })
  private readonly inFlight = new Map<string, Promise<CachedSet>>()

  constructor (private readonly settings: ClientKeySettings) {}

  /**
   * The client's keys; with `kid`, a remote set that lacks it is fetched again unless it was
   * fetched within the cooldown. Throws JwtRejected when the client has no usable key.
   */
  async keysFor (client: Client, kid?: unknown): Promise<VerificationKey[]> {
    if (client.jwks) return usableKeys(client.jwks)
    if (!client.jwksUri) throw new JwtRejected('the client has registered no keys')
    const uri = client.jwksUri
    this.checkScheme(uri)
    const cached = this.remote.get(uri)
    const now = Date.now()
    if (cached?.failedAt !== undefined && now - cached.failedAt < this.settings.jwksFailureCacheSeconds * 1000) {
      if (cached.fetchedAt !== undefined) return cached.keys
      throw new JwtRejected(`the client's jwks_uri could not be fetched: ${cached.failure}`)
    }
    const age = cached?.fetchedAt !== undefined ? now - cached.fetchedAt : Infinity
    const lacksKid = typeof kid === 'string' && cached !== undefined && !cached.keys.some((k) => k.kid === kid)
    if (age <= this.settings.jwksCacheSeconds * 1000 && !(lacksKid && age > REFETCH_COOLDOWN_MS)) return cached!.keys
    try {
      return (await this.fetchOnce(uri)).keys
    } catch (err) {
      if (!(err instanceof FetchFailed)) throw err
      const failed: CachedSet = { keys: cached?.keys ?? [], fetchedAt: cached?.fetchedAt, failedAt: now, failure: err.message }
      this.remote.set(uri, failed)
      if (failed.fetchedAt !== undefined) return failed.keys
      throw new JwtRejected(`the client's jwks_uri could not be fetched: ${err.message}`)
    }
  }

  private checkScheme (uri: string): void {
    const protocol = URL.canParse(uri) ? new URL(uri).protocol : ''
    if (protocol === 'https:' || (protocol === 'http:' && this.settings.jwksAllowHttp)) return
    throw new JwtRejected('the client\'s jwks_uri is not https')
  }

  private fetchOnce (uri: string): Promise<CachedSet> {
    let pending = this.inFlight.get(uri)
    if (!pending) {
      pending = this.fetchSet(uri).finally(() => this.inFlight.delete(uri))
      this.inFlight.set(uri, pending)
    }
    return pending
  }

  private async fetchSet (uri: string): Promise<CachedSet> {
    const text = await this.get(new URL(uri))
    let set: JsonWebKeySet
    try {
      set = JSON.parse(text)
    } catch {
      throw new FetchFailed('not JSON')
    }
    const entry = { keys: usableKeys(set), fetchedAt: Date.now() }
    this.remote.set(uri, entry)
    return entry
  }

  /** GETs the URL (no redirects) and reads at most MAX_JWKS_BYTES of it, within the timeout. */
  private get (url: URL): Promise<string> {
    const { jwksTimeoutMs, jwksAllowPrivateAddresses } = this.settings
    const host = url.hostname.replace(/^\[|\]$/g, '')
    if (isIP(host) && !jwksAllowPrivateAddresses && isSpecialPurposeAddress(host)) {
      return Promise.reject(new FetchFailed('its address is not public'))
    }
    const client = url.protocol === 'https:' ? https : http
    return new Promise((resolve, reject) => {
      const request = client.get(url, {
        headers: { accept: 'application/json' },
        lookup: jwksAllowPrivateAddresses ? undefined : publicOnlyLookup,
        timeout: jwksTimeoutMs,
      }, (res) => {
        if (res.statusCode !== 200) {
          res.resume()
          reject(new FetchFailed(`status ${res.statusCode}`))
          return
        }
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > MAX_JWKS_BYTES) {
            request.destroy()
            reject(new FetchFailed('too large'))
            return
          }
          chunks.push(chunk)
        })
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
        res.on('error', () => reject(new FetchFailed('read failed')))
      })
      // The whole exchange, not only each pause, is bounded.
      const timer = setTimeout(() => request.destroy(new FetchFailed('timed out')), jwksTimeoutMs)
      request.on('timeout', () => request.destroy(new FetchFailed('timed out')))
      request.on('error', (err) => reject(err instanceof FetchFailed ? err : new FetchFailed('connection failed')))
      request.on('close', () => clearTimeout(timer))
    })
  }
}

/** dns.lookup, refusing names that resolve to a loopback, private or link-local address. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0)
    if (addresses.length === 0 || addresses.some((a) => isSpecialPurposeAddress(a.address))) {
      return callback(new FetchFailed('its address is not public'), '', 0)
    }
    if ((options as { all?: boolean }).all) return (callback as any)(null, addresses)
    callback(null, addresses[0].address, addresses[0].family)
  })
}
