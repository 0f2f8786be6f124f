// The public keys a client signs its assertions with: its inline JWK set, or the set at its
// jwks_uri, fetched with a bounded timeout and size, cached, and fetched again (at most once per
// cooldown) when an assertion names a kid the cached set lacks, so that a client can rotate.
import type { Client, JsonWebKeySet } from '../store/port.js'
import { cachedVerificationKey, KeyError, type VerificationKey } from '../tokens/public-keys.js'
import { JwtRejected } from '../tokens/verify-jwt.js'

export interface ClientKeySettings {
  jwksTimeoutMs: number
  jwksCacheSeconds: number
}

const MAX_JWKS_BYTES = 64 * 1024
const REFETCH_COOLDOWN_MS = 30_000

interface CachedSet {
  keys: VerificationKey[]
  fetchedAt: number
  /** When fetching it again last failed: the old keys serve, and no new try before the cooldown. */
  failedAt?: number
}

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
  private readonly remote = new Map<string, CachedSet>()
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
    const cached = this.remote.get(uri)
    const now = Date.now()
    if (cached && cached.failedAt !== undefined && now - cached.failedAt < REFETCH_COOLDOWN_MS) return cached.keys
    const age = cached ? now - cached.fetchedAt : Infinity
    const lacksKid = typeof kid === 'string' && cached !== undefined && !cached.keys.some((k) => k.kid === kid)
    if (cached && age <= this.settings.jwksCacheSeconds * 1000 && !(lacksKid && age > REFETCH_COOLDOWN_MS)) return cached.keys
    try {
      return (await this.fetchOnce(uri)).keys
    } catch (err) {
      if (!cached) throw new JwtRejected(`the client's jwks_uri could not be fetched: ${(err as Error).message}`)
      cached.failedAt = now
      return cached.keys
    }
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
    const res = await fetch(uri, {
      signal: AbortSignal.timeout(this.settings.jwksTimeoutMs),
      redirect: 'error',
      headers: { accept: 'application/json' },
    }).catch((err: Error) => {
      throw new Error(err.name === 'TimeoutError' ? 'timed out' : 'connection failed')
    })
    if (!res.ok) {
      await res.body?.cancel()
      throw new Error(`status ${res.status}`)
    }
    const text = await readBounded(res, MAX_JWKS_BYTES)
    let set: JsonWebKeySet
    try {
      set = JSON.parse(text)
    } catch {
      throw new Error('not JSON')
    }
    const entry = { keys: usableKeys(set), fetchedAt: Date.now() }
    if (this.remote.size >= 1000) this.remote.clear()
    this.remote.set(uri, entry)
    return entry
  }
}

/** Reads a response body, giving up past `limit` bytes (a JWK set is a few kilobytes). */
async function readBounded (res: Response, limit: number): Promise<string> {
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for await (const chunk of res.body ?? []) {
      size += chunk.byteLength
      if (size > limit) throw new Error('too large')
      chunks.push(chunk)
    }
  } catch (err) {
    await res.body?.cancel().catch(() => {})
    throw new Error((err as Error).message === 'too large' ? 'too large' : (err as Error).name === 'TimeoutError' ? 'timed out' : 'read failed')
  }
  return Buffer.concat(chunks).toString('utf8')
}
