// Nothing secret reaches the log: not the password, not the tokens, not the client secret, whatever
// the outcome of the request and at the most verbose level.
import t from 'tap'
import { buildTestApp, passwordBody } from './helpers/app.js'
import { BACKEND_SECRET, PASSWORD } from './helpers/fixture.js'

t.test('logs carry no password, token or secret', async (t) => {
  const lines: string[] = []
  const app = await buildTestApp(t, { config: { logLevel: 'trace' }, logStream: { write: (line) => { lines.push(line) } } })
  const post = (url: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers: { host: 'acme.test', ...headers }, payload })

  const ok = await post('/oauth/ro', passwordBody({ scope: 'openid offline_access', device: 'phone' }))
  t.equal(ok.statusCode, 200)
  const { id_token: idToken, access_token: accessToken, refresh_token: refreshToken } = ok.json()
  t.equal((await post('/oauth/ro', passwordBody({ password: 'a-wrong-password-xyz' }))).statusCode, 401)
  t.equal((await post('/oauth/token', { grant_type: 'password', username: 'alice', password: PASSWORD, client_id: 'backend', client_secret: 'a-wrong-secret-xyz' })).statusCode, 401)
  const basic = `Basic ${Buffer.from(`backend:${BACKEND_SECRET}`).toString('base64')}`
  t.equal((await post('/oauth/token', { grant_type: 'password', username: 'alice', password: PASSWORD }, { authorization: basic })).statusCode, 200)

  const log = lines.join('\n')
  t.ok(lines.length >= 8, 'requests were logged')
  for (const secret of [PASSWORD, 'a-wrong-password-xyz', 'a-wrong-secret-xyz', BACKEND_SECRET, basic.slice(6), idToken, accessToken, refreshToken]) {
    t.notOk(log.includes(secret), `not in the log: ${secret.slice(0, 12)}...`)
  }
})
