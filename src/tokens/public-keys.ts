// Public keys that verify JWTs Tollgate receives: a client's registered keys (RFC 7523) and the
// tenant's own signing keys. Each key is pinned to exactly one algorithm, taken from its `alg` or,
// where the key type allows only one, from its type; a key never verifies anything else.
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto'
import { LRUCache } from 'lru-cache'

/** The algorithms a client may sign its assertions with (never `none`, never an HMAC). */
export const ASSERTION_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const
export type AssertionAlgorithm = typeof ASSERTION_ALGORITHMS[number]

export interface VerificationKey {
  kid: string | undefined
  alg: AssertionAlgorithm
  /** The public key, parsed once: a verification only reads it. */
  key: KeyObject
}

export class KeyError extends Error {}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const
const EC_ALGORITHMS: Record<string, AssertionAlgorithm> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }

/** The one algorithm a JWK may verify; throws KeyError when the JWK names one its type cannot do. */
function pinnedAlgorithm (jwk: JsonWebKey): AssertionAlgorithm {
  const stated = (jwk as { alg?: unknown }).alg
  let allowed: readonly AssertionAlgorithm[]
  switch (jwk.kty) {
    case 'RSA': allowed = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']; break
    case 'EC': allowed = EC_ALGORITHMS[jwk.crv ?? ''] ? [EC_ALGORITHMS[jwk.crv!]] : []; break
    case 'OKP': allowed = jwk.crv === 'Ed25519' ? ['EdDSA'] : []; break
    default: throw new KeyError(`key type ${String(jwk.kty)} is not supported (use RSA, EC or OKP)`)
  }
  if (allowed.length === 0) throw new KeyError(`curve ${String(jwk.crv)} is not supported`)
  if (stated === undefined) return allowed[0]
  if (typeof stated !== 'string' || !allowed.includes(stated as AssertionAlgorithm)) {
    throw new KeyError(`alg ${String(stated)} is not allowed for this key (allowed: ${allowed.join(', ')})`)
  }
  return stated as AssertionAlgorithm
}

/**
 * Checks a public JWK and turns it into a verification key. Refuses private material, keys meant
 * for encryption, unsupported types and RSA keys under 2048 bits; the error says which.
 */
export function verificationKeyFromJwk (jwk: JsonWebKey): VerificationKey {
  if (jwk === null || typeof jwk !== 'object') throw new KeyError('a key must be a JWK object')
  if (PRIVATE_MEMBERS.some((m) => (jwk as Record<string, unknown>)[m] !== undefined)) {
    throw new KeyError('the key holds private material: register the public key only')
  }
  const use = (jwk as { use?: unknown }).use
  if (use !== undefined && use !== 'sig') throw new KeyError('the key is not for signatures (use must be "sig")')
  const kid = (jwk as { kid?: unknown }).kid
  if (kid !== undefined && (typeof kid !== 'string' || kid === '')) throw new KeyError('kid must be a non-empty string')
  const alg = pinnedAlgorithm(jwk)
  let key: KeyObject
  try {
    const { kty, n, e, crv, x, y } = jwk
    key = createPublicKey({ key: { kty, n, e, crv, x, y } as JsonWebKey, format: 'jwk' })
  } catch {
    throw new KeyError('the key cannot be read')
  }
  if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    throw new KeyError('RSA keys must have at least 2048 bits')
  }
  return { kid: kid as string | undefined, alg, key }
}

/** Converting a JWK costs a key parse; the same JWKs come back on every request, so keep them. */
const converted = new LRUCache<string, VerificationKey>({ max: 1000 })

export function cachedVerificationKey (jwk: JsonWebKey): VerificationKey {
  const id = JSON.stringify(jwk)
  let key = converted.get(id)
  if (!key) {
    key = verificationKeyFromJwk(jwk)
    converted.set(id, key)
  }
  return key
}
