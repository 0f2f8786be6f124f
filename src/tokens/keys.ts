// Signing keys: generated per tenant, identified by their JWK thumbprint (RFC 7638) as kid.
import { createHash, createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto'
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
export function signingKeyFromPem (tenantId: string, alg: SigningAlgorithm, privatePem: string): SigningKey {
  const jwk = createPublicKey(privatePem).export({ format: 'jwk' })
  const kid = thumbprint(jwk)
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
