// The data every Tollgate scenario runs against, and the keys a machine client signs with.
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { randomUUID } from 'node:crypto'

export const BENCH_PASSWORD = 'bench password 0123'
export const MACHINE_SECRET = 'bench-machine-secret-0123456789'
export const API = 'https://api.bench.test/'
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'

/** The robot client's ES256 key pair: its public half is registered, its private half signs assertions. */
export const robotKeys = await generateKeyPair('ES256', { extractable: true })
const robotJwk = { ...await exportJWK(robotKeys.publicKey), kid: 'robot-es256', alg: 'ES256', use: 'sig' }

export const benchDocument = {
  tenants: [{
    name: 'bench',
    hosts: ['127.0.0.1', 'localhost'],
    default: true,
    default_connection: 'db',
    connections: [{ name: 'db', strategy: 'database', enabled_clients: ['bench-spa'] }],
    clients: [
      {
        client_id: 'bench-spa',
        name: 'Bench SPA',
        type: 'spa',
        grant_types: ['password', 'http://auth0.com/oauth/grant-type/password-realm', 'refresh_token', JWT_BEARER],
      },
      { client_id: 'bench-machine', name: 'Bench machine', type: 'machine', grant_types: ['client_credentials'], client_secret: MACHINE_SECRET },
      {
        client_id: 'bench-robot', name: 'Bench robot', type: 'machine', grant_types: [JWT_BEARER],
        token_endpoint_auth_methods: ['private_key_jwt'], jwks: { keys: [robotJwk] },
      },
    ],
    apis: [{ identifier: API, name: 'Bench API', scopes: ['read:things'] }],
    client_grants: [
      { client_id: 'bench-machine', audience: API, scope: ['read:things'] },
      { client_id: 'bench-robot', audience: API, scope: ['read:things'] },
    ],
    users: [
      { connection: 'db', email: 'user@bench.test', email_verified: true, password: BENCH_PASSWORD },
      { connection: 'db', email: 'blocked@bench.test', email_verified: true, password: BENCH_PASSWORD, blocked: true },
      { connection: 'db', email: 'target@bench.test', email_verified: true, password: BENCH_PASSWORD },
    ],
  }],
}

export const roLogin = (fields: Record<string, string | undefined> = {}) => ({
  grant_type: 'password',
  client_id: 'bench-spa',
  connection: 'db',
  username: 'user@bench.test',
  password: BENCH_PASSWORD,
  scope: 'openid profile email',
  ...fields,
})

/** A fresh RFC 7523 assertion of the robot client for the token endpoint of `url`'s server. */
export async function robotAssertion (issuer: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: 'robot-es256' })
    .setIssuer('bench-robot').setSubject('bench-robot').setAudience(`${issuer}oauth/token`)
    .setIssuedAt().setExpirationTime('2m').setJti(randomUUID())
    .sign(robotKeys.privateKey)
}
