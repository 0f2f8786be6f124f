// A client whose keys live at its jwks_uri: a real HTTP server serves them; Tollgate fetches them
// with a bounded timeout and size, caches them, keeps the last good set when the server fails,
// remembers failures, and refuses (never a 500) when it has none. The test server is plain HTTP on
// loopback, which the settings must allow; without them it is never contacted.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { defaults } from '../src/config.js'
import { buildTestApp } from './helpers/app.js'
import { PASSWORD } from './helpers/fixture.js'
import { assertion, assertionRefused, CLIENT_ASSERTION_TYPE, clientAssertionRejected, JWT_BEARER, jwtBearerFixture, keys } from './helpers/jwt-bearer.js'

type Behaviour = 'keys' | 'error' | 'silent' | 'not-json' | 'huge'

/** What a client is told when its jwks_uri could not give keys. */
const unfetched = (why: string) => `the client's jwks_uri could not be fetched: ${why}`
const FAILURES = { error: 'status 500', 'not-json': 'not JSON', huge: 'too large', silent: 'timed out' }

async function startJwksServer (t: Test) {
  const state = { behaviour: 'keys' as Behaviour, hits: 0 }
  const server = http.createServer((_req, res) => {
    state.hits++
    switch (state.behaviour) {
      case 'keys': return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [{ ...keys.robotEc.publicJwk, kid: 'remote-ec' }] }))
      case 'error': return res.writeHead(500).end('down')
      case 'not-json': return res.writeHead(200).end('<html>')
      case 'huge': return res.writeHead(200).end(JSON.stringify({ keys: [], padding: 'x'.repeat(100 * 1024) }))
      case 'silent': return undefined // never answers
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`, state }
}

/** The test's jwks server is http:// on 127.0.0.1: allowed only by these development settings. */
const DEVELOPMENT = { jwksAllowHttp: true, jwksAllowPrivateAddresses: true }

const remoteKey = { ...keys.robotEc, kid: 'remote-ec' }

async function appWith (t: Test, url: string, jwt: Partial<typeof defaults.jwt> = {}) {
  const document = jwtBearerFixture({ jwksUri: url })
  document.tenants[0].connections.find((c) => c.name === 'db')!.enabled_clients.push('remote')
  document.tenants[0].clients.find((c) => c.client_id === 'remote')!.grant_types.push('password')
  const app = await buildTestApp(t, { document, config: { jwt: { ...defaults.jwt, ...DEVELOPMENT, ...jwt } } })
  return {
    grant: async () => app.inject({
      method: 'POST', url: '/oauth/token', headers: { host: 'acme.test' },
      payload: { grant_type: JWT_BEARER, audience: 'https://api.acme.test/', assertion: await assertion('remote', remoteKey) },
    }),
    login: async () => app.inject({
      method: 'POST', url: '/oauth/token', headers: { host: 'acme.test' },
      payload: {
        grant_type: 'password', username: 'alice@acme.test', password: PASSWORD, client_id: 'remote',
        client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: await assertion('remote', remoteKey),
      },
    }),
  }
}

t.test('keys fetched from jwks_uri are used and cached', async (t) => {
  const jwks = await startJwksServer(t)
  const { grant, login } = await appWith(t, jwks.url)
  t.equal((await grant()).statusCode, 200, 'jwt-bearer grant')
  t.equal((await login()).statusCode, 200, 'private_key_jwt')
  t.equal(jwks.state.hits, 1, 'fetched once, then cached')
})

t.test('without a cache every request fetches; when the server then fails, the last good keys serve', async (t) => {
  const jwks = await startJwksServer(t)
  const { grant } = await appWith(t, jwks.url, { jwksCacheSeconds: 0 })
  t.equal((await grant()).statusCode, 200)
  t.equal((await grant()).statusCode, 200)
  t.equal(jwks.state.hits, 2)
  jwks.state.behaviour = 'error'
  t.equal((await grant()).statusCode, 200, 'stale keys after a failed fetch')
  t.equal(jwks.state.hits, 3)
  t.equal((await grant()).statusCode, 200, 'no new try within the cooldown')
  t.equal(jwks.state.hits, 3)
})

t.test('a jwks_uri that fails before any success: refused, never a 500', async (t) => {
  for (const behaviour of ['error', 'not-json', 'huge', 'silent'] as const) {
    await t.test(behaviour, async (t) => {
      const jwks = await startJwksServer(t)
      jwks.state.behaviour = behaviour
      const { grant, login } = await appWith(t, jwks.url, { jwksTimeoutMs: 300 })
      const granted = await grant()
      t.equal(granted.statusCode, 400)
      t.same(granted.json(), assertionRefused(unfetched(FAILURES[behaviour])))
      const loggedIn = await login()
      t.equal(loggedIn.statusCode, 401)
      t.same(loggedIn.json(), clientAssertionRejected(unfetched(FAILURES[behaviour])))
    })
  }
})

t.test('a failed fetch is remembered: bad assertions do not make Tollgate fetch again and again', async (t) => {
  const jwks = await startJwksServer(t)
  jwks.state.behaviour = 'error'
  const { grant, login } = await appWith(t, jwks.url, { jwksFailureCacheSeconds: 60 })
  for (let i = 0; i < 3; i++) t.same((await grant()).json(), assertionRefused(unfetched('status 500')))
  t.same((await login()).json(), clientAssertionRejected(unfetched('status 500')))
  t.equal(jwks.state.hits, 1, 'fetched once')
})

t.test('an http:// jwks_uri is refused unless allowed for development, and never fetched', async (t) => {
  const jwks = await startJwksServer(t)
  const { grant, login } = await appWith(t, jwks.url, { jwksAllowHttp: false })
  t.same((await grant()).json(), assertionRefused('the client\'s jwks_uri is not https'))
  t.same((await login()).json(), clientAssertionRejected('the client\'s jwks_uri is not https'))
  t.equal(jwks.state.hits, 0)
})

t.test('a jwks_uri on a loopback, private or link-local address is refused unless allowed, and never fetched', async (t) => {
  const jwks = await startJwksServer(t)
  const port = new URL(jwks.url).port
  for (const url of [jwks.url, `http://localhost:${port}/jwks.json`, `http://[::ffff:127.0.0.1]:${port}/jwks.json`, 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.1/jwks.json']) {
    const { grant } = await appWith(t, url, { jwksAllowPrivateAddresses: false, jwksTimeoutMs: 300 })
    const res = await grant()
    t.equal(res.statusCode, 400, url)
    t.same(res.json(), assertionRefused(unfetched('its address is not public')), url)
  }
  t.equal(jwks.state.hits, 0, 'the local server was never reached')
})
