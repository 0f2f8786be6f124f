// POST /oauth/token with the password grants, each way a client can authenticate.
import t, { type Test } from 'tap'
import { buildTestApp } from './helpers/app.js'
import { BACKEND_SECRET, PASSWORD } from './helpers/fixture.js'
import { verifyWithServedJwks } from './helpers/tokens.js'

const PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm'

t.test('password grants on /oauth/token', async (t) => {
  const app = await buildTestApp(t)
  const post = (payload: Record<string, string> | string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/oauth/token', headers: { host: 'acme.test', ...headers }, payload })

  const expectTokens = async (t: Test, res: Awaited<ReturnType<typeof post>>, clientId: string) => {
    t.equal(res.statusCode, 200, 'tokens issued')
    t.equal(res.headers['cache-control'], 'no-store')
    t.equal(res.headers.pragma, 'no-cache')
    const body = res.json()
    t.equal(body.token_type, 'bearer')
    const claims = await verifyWithServedJwks(app, body.id_token, { issuer: 'http://acme.test/', audience: clientId })
    t.equal(claims.sub, 'auth0|alice')
  }

  await t.test('public client, JSON body, tenant default connection', async (t) => {
    await expectTokens(t, await post({ grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password: PASSWORD }), 'spa')
  })
  await t.test('public client, form body, password-realm with realm', async (t) => {
    const form = new URLSearchParams({ grant_type: PASSWORD_REALM, client_id: 'spa', realm: 'db', username: 'alice', password: PASSWORD }).toString()
    await expectTokens(t, await post(form, { 'content-type': 'application/x-www-form-urlencoded' }), 'spa')
  })
  await t.test('confidential client, client_secret_post', async (t) => {
    await expectTokens(t, await post({ grant_type: 'password', client_id: 'backend', client_secret: BACKEND_SECRET, username: 'alice@acme.test', password: PASSWORD }), 'backend')
  })
  await t.test('confidential client, client_secret_basic (form-urlencoded id and secret)', async (t) => {
    const basic = Buffer.from(`${encodeURIComponent('basic-only')}:${encodeURIComponent(BACKEND_SECRET)}`).toString('base64')
    await expectTokens(t, await post({ grant_type: 'password', username: 'alice@acme.test', password: PASSWORD }, { authorization: `Basic ${basic}` }), 'basic-only')
  })
})
