// Signing keys: generated per tenant, identified by their JWK thumbprint (RFC 7638) as kid, or
// imported from another server with the kid it already used.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto'
import type { SigningKey } from '../store/port.js'

export const SIGNING_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const
export type SigningAlgorithm = typeof SIGNING_ALGORITHMS[number]

function generatePair (alg: SigningAlgorithm) {
  switch (alg) {
    case 'RS256': return generateKeyPairSync('rsa', { modulusLength: 2048 })
    case 'ES256': return generateKeyPairSync('ec', { namedCurve: 'P-256' })
    case 'EdDSA': return generateKeyPairSync('ed25519')
  }
}

/** The RFC 7638 thumbprint of a public JWK: a stable kid that needs no bookkeeping. */
function thumbprint (jwk: JsonWebKey): string {
  const members: Record<string, string[]> = { RSA: ['e', 'kty', 'n'], EC: ['crv', 'kty', 'x', 'y'], OKP: ['crv', 'kty', 'x'] }
  const required = members[jwk.kty!]
  const canonical = JSON.stringify(Object.fromEntries(required.map((k) => [k, (jwk as any)[k]])))
  return createHash('sha256').update(canonical).digest('base64url')
}

/** Builds a store record from a PEM private key (generated here, or imported by an operator). */
export function signingKeyFromPem (tenantId: string, alg: SigningAlgorithm, privatePem: string, kid?: string): SigningKey {
  const { kty, n, e, crv, x, y } = createPublicKey(privatePem).export({ format: 'jwk' })
  const jwk = Object.fromEntries(Object.entries({ kty, n, e, crv, x, y }).filter(([, v]) => v !== undefined)) as JsonWebKey
  kid ??= thumbprint(jwk)
  return {
    kid,
    tenantId,
    alg,
    privatePem,
    publicJwk: { ...jwk, kid, alg, use: 'sig' },
    status: 'current',
    createdAt: Math.floor(Date.now() / 1000),
  }
}

export function generateSigningKey (tenantId: string, alg: SigningAlgorithm): SigningKey {
  const { privateKey } = generatePair(alg)
  return signingKeyFromPem(tenantId, alg, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())
}

export class KeyImportError extends Error {}

/** The one algorithm Tollgate signs with for a private key: RSA (2048 bits or more), P-256 or Ed25519. */
function signingAlgorithmOf (key: KeyObject): SigningAlgorithm {
  const details = key.asymmetricKeyDetails
  switch (key.asymmetricKeyType) {
    case 'rsa':
      if ((details?.modulusLength ?? 0) < 2048) throw new KeyImportError('RSA keys must have at least 2048 bits')
      return 'RS256'
    case 'ec':
      if (details?.namedCurve !== 'prime256v1') throw new KeyImportError('EC keys must be on curve P-256 (ES256)')
      return 'ES256'
    case 'ed25519':
      return 'EdDSA'
    default:
      throw new KeyImportError('the key must be RSA, EC P-256 or Ed25519')
  }
}

/**
 * Reads an operator's existing private key (PEM, or a private JWK whose kid is kept) into a store
 * record, so that the tokens it signed elsewhere keep verifying here. Errors never quote the key.
 */
export function importSigningKey (tenantId: string, source: { pem: string, kid?: string } | { jwk: Record<string, unknown> }): SigningKey {
  let key: KeyObject
  try {
    key = 'pem' in source
      ? createPrivateKey(source.pem)
      : createPrivateKey({ key: source.jwk as JsonWebKey, format: 'jwk' })
  } catch {
    throw new KeyImportError('the private key cannot be read (an unencrypted PKCS#8, PKCS#1 or SEC1 PEM, or a private JWK)')
  }
  const alg = signingAlgorithmOf(key)
  const kid = 'pem' in source ? source.kid : source.jwk.kid
  if (kid !== undefined && (typeof kid !== 'string' || kid === '')) throw new KeyImportError('kid must be a non-empty string')
  const stated = 'jwk' in source ? source.jwk.alg : undefined
  if (stated !== undefined && stated !== alg) throw new KeyImportError(`the key's alg ${String(stated)} is not ${alg}, the algorithm Tollgate signs with for this key`)
  return signingKeyFromPem(tenantId, alg, key.export({ type: 'pkcs8', format: 'pem' }).toString(), kid as string | undefined)
}
