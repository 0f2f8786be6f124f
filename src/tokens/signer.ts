// Signs JWTs (RFC 7515 compact serialization) with a tenant's current key. The signature is computed
// by node:crypto's one-shot `sign` with a callback, which runs in libuv's thread pool: an RSA
// signature (about 1 ms of CPU) then leaves the event loop free to serve other requests, and a
// process uses more than one core for its signatures. fast-jwt (the engine of @fastify/jwt) signs
// on the event loop; the header and claims here are encoded as it encodes them.
import { createPrivateKey, sign as signAsync, type KeyObject } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import type { SigningKey } from '../store/port.js'

/** How node:crypto computes each algorithm Tollgate signs with (RFC 7518 section 3, RFC 8037). */
const ALGORITHMS: Record<string, { digest: string | null, dsaEncoding?: 'ieee-p1363' }> = {
  RS256: { digest: 'sha256' },
  // JWS wants the raw r || s pair, not DER.
  ES256: { digest: 'sha256', dsaEncoding: 'ieee-p1363' },
  EdDSA: { digest: null },
}

interface PreparedKey {
  privatePem: string
  key: KeyObject
  digest: string | null
  dsaEncoding?: 'ieee-p1363'
  /** The encoded protected header, by typ. */
  headers: Map<string, string>
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

export class JwtSigner {
  /** Parsed keys by kid (kids are unique across tenants); a kid whose PEM changed is parsed again. */
  private readonly keys = new LRUCache<string, PreparedKey>({ max: 1000 })

  /** Signs with `key`; `header.typ` sets the JWT type (e.g. at+jwt for RFC 9068 access tokens). */
  sign (key: SigningKey, payload: Record<string, unknown>, header: { typ?: string } = {}): Promise<string> {
    const prepared = this.prepare(key)
    const typ = header.typ ?? 'JWT'
    let encodedHeader = prepared.headers.get(typ)
    if (encodedHeader === undefined) {
      encodedHeader = encode({ alg: key.alg, typ, kid: key.kid })
      prepared.headers.set(typ, encodedHeader)
    }
    const input = `${encodedHeader}.${encode(payload)}`
    return new Promise((resolve, reject) => {
      signAsync(prepared.digest, Buffer.from(input), { key: prepared.key, dsaEncoding: prepared.dsaEncoding }, (err, signature) => {
        if (err) reject(err)
        else resolve(`${input}.${signature.toString('base64url')}`)
      })
    })
  }

  private prepare (key: SigningKey): PreparedKey {
    const cached = this.keys.get(key.kid)
    if (cached && cached.privatePem === key.privatePem) return cached
    const algorithm = ALGORITHMS[key.alg]
    if (!algorithm) throw new Error(`signing key ${key.kid} has an algorithm Tollgate does not sign with: ${key.alg}`)
    const prepared: PreparedKey = { privatePem: key.privatePem, key: createPrivateKey(key.privatePem), ...algorithm, headers: new Map() }
    this.keys.set(key.kid, prepared)
    return prepared
  }
}
