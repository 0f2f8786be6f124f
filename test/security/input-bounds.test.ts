// Every input is bounded before it is matched, and an error never echoes more than a bounded
// prefix of what was sent. Plus the headers every answer carries.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'

t.test('a 60 KB signup email is refused by its bound before any pattern sees it', async (t) => {
  const app = await buildTestApp(t)
  const signup = (email: string) => app.inject({
    method: 'POST', url: '/dbconnections/signup', headers: { host: 'acme.test' },
    payload: { client_id: 'spa', connection: 'db', email, password: 'Str0ng-enough-password!' },
  })
  // The shape that made the former pattern backtrack: a long domain full of dots, no final dot part.
  const res = await signup(`a@${'a.'.repeat(30000)}`)
  t.equal(res.statusCode, 400)
  t.same(res.json(), { error: 'invalid_request', error_description: 'email parameter is too long' })
  const longButBounded = await signup(`a@${'a.'.repeat(400)}`)
  t.same(longButBounded.json(), { error: 'invalid_request', error_description: 'email parameter is not a valid email address' })
  t.equal((await signup('new.user@acme.test')).statusCode, 200, 'an ordinary address still signs up')
})

t.test('an error description echoes at most a bounded prefix of the input', async (t) => {
  const app = await buildTestApp(t)
  const grantType = `urn:${'x'.repeat(900)}`
  const res = await app.inject({ method: 'POST', url: '/oauth/token', headers: { host: 'acme.test' }, payload: { grant_type: grantType, client_id: 'spa' } })
  t.equal(res.statusCode, 400)
  t.same(res.json(), { error: 'unsupported_grant_type', error_description: `Unsupported grant type: ${grantType.slice(0, 100)}…` })
  const origin = `https://${'o'.repeat(2000)}.test`
  const cors = await app.inject({ method: 'POST', url: '/oauth/token', headers: { host: 'acme.test', origin }, payload: { grant_type: 'password', client_id: 'spa' } })
  t.equal(cors.statusCode, 403)
  t.ok(cors.json().error_description.length < 200, 'the origin is cut')
})

t.test('every answer says nosniff; the JWKS may be cached for a while', async (t) => {
  const app = await buildTestApp(t)
  const jwks = await app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: 'acme.test' } })
  t.equal(jwks.headers['cache-control'], 'public, max-age=300')
  t.equal(jwks.headers['x-content-type-options'], 'nosniff')
  for (const [method, url] of [['GET', '/nowhere'], ['POST', '/oauth/ro'], ['GET', '/oauth/token']] as const) {
    const res = await app.inject({ method, url, headers: { host: 'acme.test' }, ...(method === 'POST' ? { payload: {} } : {}) })
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${method} ${url}`)
  }
})
