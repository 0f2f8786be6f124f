// POST /oauth/revoke (RFC 7009 with Auth0's answers) and GET /userinfo with a Bearer access token.
import { createHmac, createPublicKey } from 'node:crypto'
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { PASSWORD } from './helpers/fixture.js'
import { poster } from './helpers/http.js'
import { signWithTenantKey } from './helpers/seed.js'
import { MACHINE_SECRET, sessionsFixture } from './helpers/sessions-fixture.js'

const INVALID_GRANT = { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' }

t.test('revoking a refresh token ends its session; unknown tokens get the same empty 200', async (t) => {
  const app = await buildTestApp(t, { document: sessionsFixture() })
  const token = poster(app, '/oauth/token')
  const revoke = poster(app, '/oauth/revoke')
  const login = async () => (await token({ grant_type: 'password', client_id: 'mobile', username: 'alice@acme.test', password: PASSWORD, scope: 'openid offline_access' })).json()

  const session = await login()
  const rotated = (await token({ grant_type: 'refresh_token', client_id: 'mobile', refresh_token: session.refresh_token })).json()
  const res = await revoke({ client_id: 'mobile', token: rotated.refresh_token })
  t.equal(res.statusCode, 200)
  t.equal(res.body, '', 'an empty body')
  const after = await token({ grant_type: 'refresh_token', client_id: 'mobile', refresh_token: rotated.refresh_token })
  t.equal(after.statusCode, 403)
  t.same(after.json(), INVALID_GRANT)

  const unknown = await revoke({ client_id: 'mobile', token: 'no-such-token' }, { json: true })
  t.equal(unknown.statusCode, 200, 'an unknown token: 200 as well (JSON body)')
  t.equal(unknown.body, '')
  const accessToken = await revoke({ client_id: 'mobile', token: session.access_token, token_type_hint: 'access_token' })
  t.equal(accessToken.statusCode, 200, 'an access token (a JWT): 200, it lives until it expires')

  const other = await login()
  const foreign = await revoke({ client_id: 'spa', token: other.refresh_token })
  t.equal(foreign.statusCode, 200, "another client's token: the same 200...")
  const stillValid = await token({ grant_type: 'refresh_token', client_id: 'mobile', refresh_token: other.refresh_token })
  t.equal(stillValid.statusCode, 200, '...and the token is not revoked')

  const basic = `Basic ${Buffer.from(`machine:${MACHINE_SECRET}`).toString('base64')}`
  t.equal((await revoke({ token: 'x' }, { headers: { authorization: basic } })).statusCode, 200, 'a confidential client with client_secret_basic')
  const badBasic = await revoke({ token: 'x' }, { headers: { authorization: `Basic ${Buffer.from('machine:wrong').toString('base64')}` } })
  t.equal(badBasic.statusCode, 401)
  t.same(badBasic.json(), { error: 'invalid_client', error_description: 'Client authentication failed.' })
  t.equal(badBasic.headers['www-authenticate'], 'Basic realm="token"')
})

t.test('GET /userinfo answers the claims the access token\'s scope allows', async (t) => {
  const dataDir = t.testdir()
  const app = await buildTestApp(t, { document: sessionsFixture(), config: { dataDir } })
  const token = poster(app, '/oauth/token')
  const userinfo = (authorization?: string, host = 'acme.test') =>
    app.inject({ method: 'GET', url: '/userinfo', headers: { host, ...(authorization ? { authorization } : {}) } })
  const invalid = (res: Awaited<ReturnType<typeof userinfo>>, description: string) => {
    t.equal(res.statusCode, 401)
    t.same(res.json(), { error: 'invalid_token', error_description: description })
    t.equal(res.headers['www-authenticate'], `Bearer error="invalid_token", error_description="${description}"`)
  }

  const full = (await token({ grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password: PASSWORD, scope: 'openid profile email' })).json()
  const res = await userinfo(`Bearer ${full.access_token}`)
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  const body = res.json()
  t.match(body, { sub: 'auth0|alice', name: 'Alice Liddell', nickname: 'alice', picture: 'https://acme.test/alice.png', email: 'alice@acme.test', email_verified: true })
  t.same(Object.keys(body).sort(), ['email', 'email_verified', 'name', 'nickname', 'picture', 'sub', 'updated_at'])

  const openidOnly = (await token({ grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password: PASSWORD, scope: 'openid' })).json()
  t.same((await userinfo(`Bearer ${openidOnly.access_token}`)).json(), { sub: 'auth0|alice' }, 'openid alone: sub only')

  invalid(await userinfo(), 'The request has no Bearer access token.')
  invalid(await userinfo(`Basic ${Buffer.from('a:b').toString('base64')}`), 'The request has no Bearer access token.')
  invalid(await userinfo(`Bearer ${full.id_token}`), 'The access token is invalid.') // an id_token is no access token
  invalid(await userinfo(`Bearer ${full.access_token.slice(0, -4)}AAAA`), 'The access token is invalid.') // signature broken
  invalid(await userinfo(`Bearer ${full.access_token}`, 'other.test'), 'The access token is invalid.') // another tenant: other keys, other issuer

  const now = Math.floor(Date.now() / 1000)
  const claims = { sub: 'auth0|alice', aud: 'http://acme.test/userinfo', client_id: 'spa', scope: 'openid', iat: now, exp: now + 600 }
  invalid(await userinfo(`Bearer ${await signWithTenantKey(dataDir, { ...claims, iss: 'https://evil.test/' })}`), 'The access token is invalid.')
  invalid(await userinfo(`Bearer ${await signWithTenantKey(dataDir, { ...claims, iss: 'http://acme.test/', aud: 'https://api.acme.test/orders' })}`), 'The access token is invalid.')
  invalid(await userinfo(`Bearer ${await signWithTenantKey(dataDir, { ...claims, iss: 'http://acme.test/' }, { typ: 'JWT' })}`), 'The access token is invalid.')
  invalid(await userinfo(`Bearer ${await signWithTenantKey(dataDir, { ...claims, iss: 'http://acme.test/', exp: now - 1 })}`), 'The access token expired.')

  // alg "none" and HS256 signed with the public key: refused by the pinned algorithms.
  const [header, payload] = full.access_token.split('.')
  const none = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(header, 'base64url').toString()), alg: 'none' })).toString('base64url')
  invalid(await userinfo(`Bearer ${none}.${payload}.`), 'The access token is invalid.')
  const jwks = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: 'acme.test' } })).json()
  const publicPem = createPublicKey({ key: jwks.keys[0], format: 'jwk' }).export({ type: 'spki', format: 'pem' })
  const hsHeader = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid: jwks.keys[0].kid })).toString('base64url')
  const hsSignature = createHmac('sha256', publicPem).update(`${hsHeader}.${payload}`).digest('base64url')
  invalid(await userinfo(`Bearer ${hsHeader}.${payload}.${hsSignature}`), 'The access token is invalid.')
})
