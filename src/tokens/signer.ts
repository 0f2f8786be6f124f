// Signs JWTs with a tenant's current key. fast-jwt is the engine @fastify/jwt is built on; it is used
// directly here because every tenant signs with its own key, chosen per request, where
// @fastify/jwt's decorator holds one global key. One signer is built per key and reused.
import { createSigner } from 'fast-jwt'
import type { SigningKey } from '../store/port.js'

type Sign = (payload: Record<string, unknown>) => string

export class JwtSigner {
  private readonly signers = new Map<string, Sign>()

  /** Signs with `key`; `header.typ` sets the JWT type (e.g. at+jwt for RFC 9068 access tokens). */
  sign (key: SigningKey, payload: Record<string, unknown>, header: { typ?: string } = {}): string {
    const cacheKey = `${key.kid} ${header.typ ?? 'JWT'}`
    let sign = this.signers.get(cacheKey)
    if (!sign) {
      sign = createSigner({ key: key.privatePem, algorithm: key.alg as any, kid: key.kid, header: header.typ ? { alg: key.alg, typ: header.typ } : undefined }) as Sign
      this.signers.set(cacheKey, sign)
    }
    return sign(payload)
  }
}
