// Verifies tokens the way a client does: with a standard JWT library (jose) against the JWKS the
// tenant serves.
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose'
import type { App } from '../../src/app.js'

export async function verifyWithServedJwks (app: App, token: string, options: { host?: string, issuer: string, audience: string }): Promise<JWTPayload> {
  const res = await app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: options.host ?? 'acme.test' } })
  const jwks = createLocalJWKSet(res.json())
  const { payload } = await jwtVerify(token, jwks, { issuer: options.issuer, audience: options.audience, algorithms: ['RS256'] })
  return payload
}
