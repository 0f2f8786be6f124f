// What the jwt-bearer tests share: real keys made with jose, a fixture where tenants sign with
// imported keys the tests also hold (so a test can issue an id_token exactly as the tenant does,
// or forge one with any other key), machine clients with registered public keys, and builders
// for signed, forged and malformed JWTs.
import { createHmac, randomUUID, sign } from 'node:crypto'
import { createLocalJWKSet, exportJWK, exportPKCS8, exportSPKI, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose'
import type { App } from '../../src/app.js'
import type { ProvisioningDocument } from '../../schemas/provisioning.js'
import { fixture } from './fixture.js'

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
export const ISSUER = 'http://acme.test/'
export const TOKEN_ENDPOINT = 'http://acme.test/oauth/token'

export interface TestKey {
  kid: string
  alg: string
  privateKey: CryptoKey
  publicJwk: JWK
  publicPem: string
  privatePem: string
  privateJwk: JWK
}

async function makeKey (kid: string, alg: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  return {
    kid,
    alg,
    privateKey,
    publicJwk: { ...await exportJWK(publicKey), kid, alg, use: 'sig' },
    publicPem: await exportSPKI(publicKey),
    privatePem: await exportPKCS8(privateKey),
    privateJwk: { ...await exportJWK(privateKey), kid, alg },
  }
}

/** Keys made once per test process. */
export const keys = {
  /** The acme tenant's signing key, imported through the provisioning file with this kid. */
  acme: await makeKey('acme-legacy-1', 'RS256'),
  /** The other tenant's signing key. */
  other: await makeKey('other-legacy-1', 'ES256'),
  robotRsa: await makeKey('robot-rsa', 'RS256'),
  robotEc: await makeKey('robot-ec', 'ES256'),
  butlerEd: await makeKey('butler-ed', 'EdDSA'),
  butlerEd2: await makeKey('butler-ed-2', 'EdDSA'),
  /** Registered by no client: a stranger's key. */
  stranger: await makeKey('robot-rsa', 'RS256'),
  otherRobot: await makeKey('other-robot-1', 'ES256'),
}

/**
 * The shared fixture, plus: spa may exchange id_tokens; acme and other sign with known keys;
 * machine clients with registered keys (robot: client only; butler: may act for users at the API;
 * sentinel: authenticates with a secret; remote: keys at a jwks_uri), each with a client grant for
 * the API (robot: read and write things; butler: read:mail and read:things, acting for users).
 */
export function jwtBearerFixture (options: { jwksUri?: string } = {}): ProvisioningDocument {
  const doc = fixture()
  const [acme, other] = doc.tenants
  acme.signing_key = { pem: keys.acme.privatePem, kid: keys.acme.kid }
  other.signing_key = { jwk: keys.other.privateJwk as Record<string, unknown> }
  // Stable ids for the users the tests name in tokens.
  acme.users.find((u) => u.email === 'bob@acme.test')!.user_id = 'auth0|bob'
  acme.users.find((u) => u.email === 'carol@acme.test')!.user_id = 'auth0|carol'
  other.users[0].user_id = 'other|alice'
  acme.connections.find((c) => c.name === 'db')!.enabled_clients.push('robot')
  // The API the assertions ask access tokens for.
  acme.apis = [{ identifier: API_IDENTIFIER, name: 'Acme API', scopes: ['read:things', 'write:things', 'read:mail'] }]
  acme.clients.find((c) => c.client_id === 'spa')!.grant_types.push(JWT_BEARER)
  acme.clients.find((c) => c.client_id === 'strict-spa')!.grant_types.push(JWT_BEARER)
  acme.clients.push(
    {
      client_id: 'robot', name: 'Robot', type: 'machine', grant_types: [JWT_BEARER, 'password'],
      token_endpoint_auth_methods: ['private_key_jwt'], jwks: { keys: [keys.robotRsa.publicJwk, keys.robotEc.publicJwk] as any },
    },
    {
      client_id: 'butler', name: 'Butler', type: 'machine', grant_types: [JWT_BEARER],
      token_endpoint_auth_methods: ['private_key_jwt'], jwks: { keys: [keys.butlerEd.publicJwk, keys.butlerEd2.publicJwk] as any },
    },
    {
      client_id: 'sentinel', name: 'Sentinel', type: 'machine', grant_types: [JWT_BEARER], client_secret: SENTINEL_SECRET,
      jwks: { keys: [{ ...keys.robotEc.publicJwk, kid: 'sentinel-ec' }] as any },
    },
    {
      client_id: 'grounded', name: 'Grounded', type: 'machine', grant_types: ['client_credentials'],
      token_endpoint_auth_methods: ['private_key_jwt'], jwks: { keys: [{ ...keys.robotRsa.publicJwk, kid: 'grounded-rsa' }] as any },
    },
  )
  acme.client_grants = [
    { client_id: 'robot', audience: API_IDENTIFIER, scope: ['read:things', 'write:things'] },
    { client_id: 'butler', audience: API_IDENTIFIER, scope: ['read:mail', 'read:things'], act_for_users: true },
    { client_id: 'sentinel', audience: API_IDENTIFIER, scope: [] },
  ]
  if (options.jwksUri) acme.client_grants.push({ client_id: 'remote', audience: API_IDENTIFIER, scope: [] })
  if (options.jwksUri) {
    acme.clients.push({
      client_id: 'remote', name: 'Remote', type: 'machine', grant_types: [JWT_BEARER],
      token_endpoint_auth_methods: ['private_key_jwt'], jwks_uri: options.jwksUri,
    })
  }
  other.clients.push({
    client_id: 'other-robot', name: 'Other robot', type: 'machine', grant_types: [JWT_BEARER],
    token_endpoint_auth_methods: ['private_key_jwt'], jwks: { keys: [keys.otherRobot.publicJwk] as any },
  })
  return doc
}

export const API_IDENTIFIER = 'https://api.acme.test/'
export const SENTINEL_SECRET = 'sentinel-secret-0123456789'

export const now = () => Math.floor(Date.now() / 1000)

/** A JWT signed by `key` with its own alg and kid unless the header says otherwise. */
export async function signJwt (key: TestKey, payload: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, ...header } as any).sign(key.privateKey)
}

/** An id_token as the acme tenant issues them, for `aud`, overridable claim by claim. */
export function idToken (claims: JWTPayload = {}, options: { key?: TestKey, header?: Record<string, unknown> } = {}): Promise<string> {
  const iat = now()
  return signJwt(options.key ?? keys.acme, { iss: ISSUER, sub: 'auth0|alice', aud: 'spa', iat, exp: iat + 3600, ...claims }, options.header)
}

/** An RFC 7523 assertion from `client`, overridable claim by claim (undefined removes a claim). */
export function assertion (client: string, key: TestKey, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  const iat = now()
  const payload: Record<string, unknown> = { iss: client, sub: client, aud: TOKEN_ENDPOINT, iat, exp: iat + 60, jti: randomUUID(), ...claims }
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k]
  return signJwt(key, payload as JWTPayload, header)
}

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

/** The algorithm-confusion forgery: HS256 with the verifier's public key (PEM) as the HMAC secret. */
export function hmacWithPublicKey (key: TestKey, payload: Record<string, unknown>): string {
  const input = `${b64({ alg: 'HS256', kid: key.kid, typ: 'JWT' })}.${b64(payload)}`
  return `${input}.${createHmac('sha256', key.publicPem).update(input).digest('base64url')}`
}

/** An ECDSA-signed JWT whose signature is DER-encoded, as X.509 has it, not the raw r || s JWS wants. */
export function derSigned (key: TestKey, payload: Record<string, unknown>): string {
  const input = `${b64({ alg: key.alg, kid: key.kid })}.${b64(payload)}`
  return `${input}.${sign('sha256', Buffer.from(input), { key: key.privatePem, dsaEncoding: 'der' }).toString('base64url')}`
}

/** An unsecured JWT (alg none) that names a real kid. */
export function unsigned (key: TestKey, payload: Record<string, unknown>): string {
  return `${b64({ alg: 'none', kid: key.kid })}.${b64(payload)}.`
}

/** Malformed tokens, each broken in one way. */
export const malformed = {
  badBase64: 'eyJhbGciOiJSUzI1NiJ9$.eyJzdWIiOiJ4In0.c2ln',
  badJsonHeader: `${b64('{"alg":"RS256"')}.${b64({ sub: 'x' })}.c2ln`,
  badJsonPayload: `${b64({ alg: 'RS256', kid: 'acme-legacy-1' })}.${b64('{"sub":')}.c2ln`,
  twoSegments: `${b64({ alg: 'RS256' })}.${b64({ sub: 'x' })}`,
  fourSegments: `${b64({ alg: 'RS256' })}.${b64({ sub: 'x' })}.c2ln.c2ln`,
  notAJwt: 'hello',
}

/** Verifies a token as a client would: jose against the tenant's served JWKS, algorithm pinned. */
export async function verifyServed (app: App, token: string, options: { audience: string, algorithms: string[], host?: string, issuer?: string }): Promise<JWTPayload> {
  const res = await app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: options.host ?? 'acme.test' } })
  const { payload } = await jwtVerify(token, createLocalJWKSet(res.json()), {
    issuer: options.issuer ?? ISSUER, audience: options.audience, algorithms: options.algorithms,
  })
  return payload
}

export const invalidIdToken = { error: 'invalid_grant', error_description: 'The id_token is invalid or has expired.' }
export const assertionRefused = (reason: string) => ({ error: 'invalid_grant', error_description: `The assertion was refused: ${reason}.` })
export const clientAssertionRejected = (reason: string) => ({ error: 'invalid_client', error_description: `Client authentication failed: ${reason}.` })
/** What each of `malformed` is refused for. */
export const MALFORMED: Record<keyof typeof malformed, string> = {
  badBase64: 'the token is not base64url-encoded JSON',
  badJsonHeader: 'the token is not base64url-encoded JSON',
  badJsonPayload: 'the token is not base64url-encoded JSON',
  twoSegments: 'the token does not have three segments',
  fourSegments: 'the token does not have three segments',
  notAJwt: 'the token does not have three segments',
}
export const userRefused = { error: 'invalid_grant', error_description: 'The user does not exist or is blocked.' }
export const invalidClient = { error: 'invalid_client', error_description: 'Client authentication failed.' }
