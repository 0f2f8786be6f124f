// POST /oauth/ro grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer: Auth0's id_token exchange.
// Real id_tokens (issued by the server, or signed with jose by the tenant's imported key) and
// forged ones, each refused with seed 003's invalid_grant.
import Database from 'better-sqlite3'
import path from 'node:path'
import t from 'tap'
import { SQLITE_FILE } from '../src/store/sqlite.js'
import { buildTestApp, passwordBody } from './helpers/app.js'
import { BACKEND_SECRET } from './helpers/fixture.js'
import {
  hmacWithPublicKey, idToken, invalidIdToken, ISSUER, JWT_BEARER, jwtBearerFixture, keys, malformed, now, signJwt,
  unsigned, userRefused, verifyServed,
} from './helpers/jwt-bearer.js'

const exchangeBody = (fields: Record<string, unknown>) =>
  ({ grant_type: JWT_BEARER, client_id: 'spa', device: 'pixel-7', scope: 'openid', ...fields })

t.test('id_token exchange', async (t) => {
  const dataDir = t.testdir()
  const app = await buildTestApp(t, { document: jwtBearerFixture(), config: { dataDir } })
  const ro = (payload: Record<string, unknown> | string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test', ...headers }, payload })

  // id_tokens signed here continue a real login's session (its sid): the exchange needs one that is live.
  const firstLogin = await ro(passwordBody({ scope: 'openid' }))
  const { sid } = JSON.parse(Buffer.from(firstLogin.json().id_token.split('.')[1], 'base64url').toString())
  t.type(sid, 'string', 'an id_token names its login session')
  const live = (claims: Parameters<typeof idToken>[0] = {}, options: Parameters<typeof idToken>[1] = {}) => idToken({ sid, ...claims }, options)

  await t.test('an id_token from a password login buys fresh tokens and a device-bound refresh token', async (t) => {
    const login = await ro(passwordBody({ scope: 'openid' }))
    t.equal(login.statusCode, 200)
    const res = await ro(exchangeBody({ id_token: login.json().id_token, scope: 'openid profile offline_access' }))
    t.equal(res.statusCode, 200)
    t.equal(res.headers['cache-control'], 'no-store')
    t.equal(res.headers.pragma, 'no-cache')
    const body = res.json()
    t.same(Object.keys(body).sort(), ['access_token', 'expires_in', 'id_token', 'refresh_token', 'token_type'])
    t.equal(body.token_type, 'bearer')
    t.equal(body.expires_in, 86400)
    t.match(body.refresh_token, /^[A-Za-z0-9_-]{43}$/)
    const claims = await verifyServed(app, body.id_token, { audience: 'spa', algorithms: ['RS256'] })
    t.equal(claims.sub, 'auth0|alice')
    t.equal(claims.name, 'Alice Liddell', 'profile claims for the scope asked now')
    const access = await verifyServed(app, body.access_token, { audience: `${ISSUER}userinfo`, algorithms: ['RS256'] })
    t.equal(access.scope, 'openid profile offline_access')

    const db = new Database(path.join(dataDir, SQLITE_FILE), { readonly: true })
    t.teardown(() => db.close())
    const stored = db.prepare('SELECT device, user_id, client_id, token_hash FROM refresh_tokens').all() as any[]
    t.equal(stored.length, 1)
    t.same({ ...stored[0], token_hash: undefined }, { device: 'pixel-7', user_id: 'auth0|alice', client_id: 'spa', token_hash: undefined })
    t.not(stored[0].token_hash, body.refresh_token, 'only a hash is stored')
  })

  await t.test('a form body without offline_access gets no refresh token', async (t) => {
    const form = new URLSearchParams({ grant_type: JWT_BEARER, client_id: 'spa', device: 'pixel-7', id_token: await live() }).toString()
    const res = await ro(form, { 'content-type': 'application/x-www-form-urlencoded' })
    t.equal(res.statusCode, 200)
    t.same(Object.keys(res.json()).sort(), ['access_token', 'expires_in', 'id_token', 'token_type'])
  })

  await t.test('an id_token expired within the clock tolerance (15 s) is still accepted', async (t) => {
    const res = await ro(exchangeBody({ id_token: await live({ exp: now() - 5 }) }))
    t.equal(res.statusCode, 200)
  })

  await t.test('an id_token without kid (as some servers issue them) is checked against the sole key of its alg', async (t) => {
    const res = await ro(exchangeBody({ id_token: await live({}, { header: { kid: undefined } }) }))
    t.equal(res.statusCode, 200)
  })

  await t.test('an id_token whose aud lists the client among others is accepted', async (t) => {
    const res = await ro(exchangeBody({ id_token: await live({ aud: ['backend', 'spa'] }) }))
    t.equal(res.statusCode, 200)
  })

  await t.test('refusals: status and full body', async (t) => {
    const alice = { iss: ISSUER, sub: 'auth0|alice', aud: 'spa', iat: now(), exp: now() + 3600 }
    const valid = await live()
    const [h, , s] = valid.split('.')
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...alice, sub: 'auth0|bob' })).toString('base64url')}.${s}`
    const cases: Array<[string, Record<string, unknown>, number, object]> = [
      // Request shape: client_id, then device, then id_token (seed 003's order).
      ['missing device and id_token', { device: undefined }, 400, { error: 'invalid_request', error_description: 'missing device parameter' }],
      ['missing id_token', {}, 400, { error: 'invalid_request', error_description: 'missing id_token parameter' }],
      ['missing device', { device: undefined, id_token: valid }, 400, { error: 'invalid_request', error_description: 'missing device parameter' }],
      ['empty device', { device: ' ', id_token: valid }, 400, { error: 'invalid_request', error_description: 'missing device parameter' }],
      ['missing client_id', { client_id: undefined, device: undefined }, 400, { error: 'invalid_request', error_description: 'missing client_id parameter' }],
      ['id_token not a string', { id_token: 42 }, 400, { error: 'invalid_request', error_description: 'id_token parameter must be a string' }],
      ['unknown client', { client_id: 'nobody', id_token: valid }, 403, { error: 'unauthorized_client', error_description: 'invalid client' }],
      ['client not allowed the grant', { client_id: 'backend', client_secret: BACKEND_SECRET, id_token: await live({ aud: 'backend' }) }, 403,
        { error: 'unauthorized_client', error_description: `Grant type '${JWT_BEARER}' not allowed for the client.` }],
      // Forgeries and broken tokens.
      ['HS256 with the public key as secret', { id_token: hmacWithPublicKey(keys.acme, alice) }, 400, invalidIdToken],
      ['alg none', { id_token: unsigned(keys.acme, alice) }, 400, invalidIdToken],
      ['alg changed to another asymmetric one', { id_token: await signJwt(keys.robotEc, alice, { kid: keys.acme.kid }) }, 400, invalidIdToken],
      ['unknown kid', { id_token: await live({}, { header: { kid: 'nope' } }) }, 400, invalidIdToken],
      ['signed with another tenant\'s key', { id_token: await live({}, { key: keys.other }) }, 400, invalidIdToken],
      ['issued by another tenant', { id_token: await signJwt(keys.other, { ...alice, iss: 'http://other.test/', aud: 'other-app' }) }, 400, invalidIdToken],
      ['a key with a registered kid that is not the tenant\'s', { id_token: await live({}, { key: keys.stranger, header: { kid: keys.acme.kid } }) }, 400, invalidIdToken],
      ['tampered payload', { id_token: tampered }, 400, invalidIdToken],
      ['expired beyond the tolerance', { id_token: await live({ exp: now() - 60 }) }, 400, invalidIdToken],
      ['not yet valid', { id_token: await live({ nbf: now() + 60 }) }, 400, invalidIdToken],
      ['no exp', { id_token: await live({ exp: undefined }) }, 400, invalidIdToken],
      ['exp not a number', { id_token: await live({ exp: 'tomorrow' as any }) }, 400, invalidIdToken],
      ['issued to another client of the tenant', { id_token: await live({ aud: 'strict-spa' }) }, 400, invalidIdToken],
      ['wrong issuer', { id_token: await live({ iss: 'http://evil.test/' }) }, 400, invalidIdToken],
      ['an access token, not an id_token', { id_token: await live({}, { header: { typ: 'at+jwt' } }) }, 400, invalidIdToken],
      ['oversized (over 8 KiB)', { id_token: await live({ padding: 'x'.repeat(9000) }) }, 400, invalidIdToken],
      ...Object.entries(malformed).map(([name, token]): [string, Record<string, unknown>, number, object] =>
        [`malformed: ${name}`, { id_token: token }, 400, invalidIdToken]),
      ['empty id_token', { id_token: '' }, 400, invalidIdToken],
      // The user.
      ['user that does not exist', { id_token: await live({ sub: 'auth0|ghost' }) }, 400, userRefused],
      ['blocked user', { id_token: await live({ sub: 'auth0|bob' }) }, 400, userRefused],
      ['user of another tenant', { id_token: await live({ sub: 'other|alice' }) }, 400, userRefused],
      ['an id_token that names no session', { id_token: await idToken() }, 400, invalidIdToken],
      ['an id_token whose session is unknown', { id_token: await idToken({ sid: 'no-such-session' }) }, 400, invalidIdToken],
      ['a confidential client without its secret', { client_id: 'backend', id_token: await live({ aud: 'backend' }) }, 401,
        { error: 'invalid_client', error_description: 'Client authentication failed.' }],
      ['login policy of the client still applies', { client_id: 'strict-spa', id_token: await live({ sub: 'auth0|carol', aud: 'strict-spa' }) }, 403,
        { error: 'access_denied', error_description: 'Please verify your email before logging in.' }],
    ]
    for (const [name, fields, status, body] of cases) {
      const payload = exchangeBody(fields)
      for (const [k, v] of Object.entries(payload)) if (v === undefined) delete (payload as any)[k]
      const res = await ro(payload)
      t.equal(res.statusCode, status, `${name}: status`)
      t.same(res.json(), body, `${name}: body`)
    }
  })
})

t.test('why an id_token was refused goes to the log, the token does not', async (t) => {
  const lines: string[] = []
  const app = await buildTestApp(t, { document: jwtBearerFixture(), config: { logLevel: 'info' }, logStream: { write: (l: string) => { lines.push(l) } } })
  const forged = hmacWithPublicKey(keys.acme, { iss: ISSUER, sub: 'auth0|alice', aud: 'spa', exp: now() + 60 })
  const res = await app.inject({ method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' }, payload: exchangeBody({ id_token: forged }) })
  t.equal(res.statusCode, 400)
  const log = lines.join('\n')
  t.match(log, /the algorithm is not the key's/)
  t.notOk(log.includes(forged.split('.')[2]), 'no part of the token is logged')
  t.notOk(log.includes(forged.split('.')[1]), 'no part of the token is logged')
})
