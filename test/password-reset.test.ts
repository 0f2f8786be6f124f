// Reset tickets and the reset page: random, stored only as hashes, single-use, expiring, only the
// latest valid; the server-rendered form (strict CSP, labels, the policy shown and enforced, breached
// passwords refused); 406 for a dead link as a page or as JSON; and what a new password does.
import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import path from 'node:path'
import t, { type Test } from 'tap'
import { defaults } from '../src/config.js'
import { SQLITE_FILE } from '../src/store/sqlite.js'
import { buildTestApp } from './helpers/app.js'
import { PASSWORD } from './helpers/fixture.js'
import { breachedFile, changePasswordRequest, recoveryFixture } from './helpers/recovery.js'
import { sql } from './helpers/seed.js'
import { linkIn, startSmtpServer } from './helpers/smtp.js'

const NEW_PASSWORD = 'Brand new Passw0rd'
const EXPIRED = { error: 'PASSWORD_RESET_HASH_EXPIRED', error_description: 'This link has expired or has already been used.' }
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()

async function setup (t: Test, options: { breached?: string[], config?: Record<string, unknown> } = {}) {
  const dataDir = t.testdir()
  const smtp = await startSmtpServer(t)
  const breached = options.breached ? { attackProtection: { ...defaults.attackProtection, breachedPasswords: { file: breachedFile(path.join(dataDir, '..'), options.breached), minCount: 1 } } } : {}
  const document = recoveryFixture(smtp.port)
  document.tenants[0].clients[0].grant_types.push('urn:ietf:params:oauth:grant-type:jwt-bearer')
  const app = await buildTestApp(t, { document, config: { dataDir, ...breached, ...options.config } })
  /** Asks for a reset email and returns its link. */
  const requestLink = async (email = 'alice@acme.test') => {
    const before = smtp.received.length
    await app.inject(changePasswordRequest({ email, connection: 'db' }))
    await app.tollgate.mailer.idle()
    return linkIn(await smtp.waitFor((m) => m.subject === 'Reset your password', { from: before }))
  }
  const page = (link: URL, accept = 'text/html') => app.inject({ method: 'GET', url: `${link.pathname}${link.search}`, headers: { host: 'acme.test', accept } })
  const submit = (ticket: string, password: string, confirmation = password, accept = 'text/html') => app.inject({
    method: 'POST', url: '/lo/reset', headers: { host: 'acme.test', accept, 'content-type': 'application/x-www-form-urlencoded', origin: 'http://acme.test' },
    payload: form({ ticket, password, password_confirmation: confirmation }),
  })
  const login = (password: string, fields: Record<string, string> = {}) => app.inject({
    method: 'POST', url: '/oauth/token', headers: { host: 'acme.test' },
    payload: { grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password, scope: 'openid offline_access', ...fields },
  })
  return { app, smtp, dataDir, requestLink, page, submit, login }
}

t.test('the reset form: strict CSP, labels, the policy, no script', async (t) => {
  const { requestLink, page } = await setup(t)
  const link = await requestLink()
  const res = await page(link)
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/html; charset=utf-8')
  t.match(res.headers['content-security-policy'], /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; img-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'$/)
  t.equal(res.headers['referrer-policy'], 'no-referrer')
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.headers['x-frame-options'], 'DENY')
  t.equal(res.headers['access-control-allow-origin'], undefined)
  t.notMatch(res.body, /<script|https?:\/\/(?!acme)/i, 'no script, no third-party asset')
  t.match(res.body, '<label for="password">New password</label>')
  t.match(res.body, '<input id="password" name="password" type="password" autocomplete="new-password" required minlength="10"')
  t.match(res.body, '<label for="password_confirmation">')
  t.match(res.body, 'aria-describedby="policy"')
  // Escaped for HTML: the & of the policy's own text is &#38;.
  t.match(res.body, 'It must be at least 10 characters in length and contain at least 2 of the following 4 types of characters: lower case letters (a-z), upper case letters (A-Z), numbers (i.e. 0-9), special characters (e.g. !@#$%^&#38;*).')
  t.match(res.body, '<strong>alice@acme.test</strong>')
  const style = /<style>(.*?)<\/style>/s.exec(res.body)![1]
  t.match(res.headers['content-security-policy'], `'sha256-${createHash('sha256').update(style).digest('base64')}'`, 'the one inline style is the one the CSP allows')

  const json = await page(link, 'application/json')
  t.same(json.json(), { email: 'alice@acme.test', password_policy: { min_length: 10, character_classes: ['lower', 'upper', 'number', 'special'], min_character_classes: 2 } })
})

t.test('the policy is enforced, breached passwords refused, mismatches shown; the ticket survives a refusal', async (t) => {
  const { requestLink, submit, login } = await setup(t, { breached: ['Leaked Password 1'] })
  const ticket = (await requestLink()).searchParams.get('ticket')!

  const weak = await submit(ticket, 'short')
  t.equal(weak.statusCode, 400)
  t.match(weak.body, /<p class="error" role="alert" id="error">Password is too weak\. It must be at least 10 characters/)
  t.match(weak.body, 'aria-describedby="policy error"')
  t.match(weak.body, `name="ticket" value="${ticket}"`, 'the form again, with its ticket')

  const mismatch = await submit(ticket, NEW_PASSWORD, `${NEW_PASSWORD}!`)
  t.equal(mismatch.statusCode, 400)
  t.match(mismatch.body, 'The two passwords do not match.')

  const leaked = await submit(ticket, 'Leaked Password 1', 'Leaked Password 1', 'application/json')
  t.equal(leaked.statusCode, 400)
  t.same(leaked.json(), { error: 'invalid_password', error_description: 'This password was previously disclosed through a data breach (not in this application). Please choose another one.' })

  const weakJson = await submit(ticket, 'short', 'short', 'application/json')
  t.same(weakJson.json(), { error: 'invalid_password', error_description: 'Password is too weak. It must be at least 10 characters in length and contain at least 2 of the following 4 types of characters: lower case letters (a-z), upper case letters (A-Z), numbers (i.e. 0-9), special characters (e.g. !@#$%^&*).' })

  t.equal((await login(PASSWORD)).statusCode, 200, 'nothing changed yet')
  const done = await submit(ticket, NEW_PASSWORD)
  t.equal(done.statusCode, 200)
  t.match(done.body, 'Your password has been changed.')
  t.equal((await login(PASSWORD)).statusCode, 403, 'the old password no longer works')
  t.equal((await login(NEW_PASSWORD)).statusCode, 200, 'the new one does')
})

t.test('tickets: single use, only the latest, expiring, stored as hashes; 406 as a page or JSON', async (t) => {
  const { app, requestLink, page, submit, dataDir } = await setup(t)
  const first = await requestLink()
  const second = await requestLink()
  const [older, latest] = [first, second].map((l) => l.searchParams.get('ticket')!)
  t.not(older, latest)

  const db = new Database(path.join(dataDir, SQLITE_FILE), { readonly: true })
  const rows = db.prepare('SELECT token_hash, kind, expires_at - created_at AS lifetime FROM user_tickets').all()
  db.close()
  t.same(rows, [{ token_hash: createHash('sha256').update(latest).digest('hex'), kind: 'reset_password', lifetime: 5 * 86400 }],
    'one ticket per user and kind, by hash only, for 5 days')

  const replaced = await page(first)
  t.equal(replaced.statusCode, 406, 'a link replaced by a newer one is dead')
  t.match(replaced.body, '<p role="alert">This link has expired or has already been used.</p>')
  t.match(replaced.headers['content-security-policy'], /^default-src 'none'/)

  t.equal((await submit(latest, NEW_PASSWORD)).statusCode, 200)
  const again = await submit(latest, 'Another Passw0rd 2', 'Another Passw0rd 2', 'application/json')
  t.equal(again.statusCode, 406)
  t.same(again.json(), EXPIRED)
  t.same((await page(second, 'application/json')).json(), EXPIRED, 'a used link is dead')

  for (const ticket of ['', 'x', 'a'.repeat(200), 'not a ticket!']) {
    const res = await app.inject({ method: 'GET', url: `/lo/reset?ticket=${encodeURIComponent(ticket)}`, headers: { host: 'acme.test', accept: 'application/json' } })
    t.equal(res.statusCode, 406, `unknown ticket "${ticket.slice(0, 10)}"`)
    t.same(res.json(), EXPIRED)
  }
  t.same((await app.inject({ method: 'GET', url: '/lo/reset', headers: { host: 'acme.test', accept: 'application/json' } })).json(), EXPIRED, 'no ticket at all')

  const expiring = (await requestLink()).searchParams.get('ticket')!
  sql(dataDir, 'UPDATE user_tickets SET expires_at = ?', Math.floor(Date.now() / 1000) - 1)
  t.equal((await submit(expiring, NEW_PASSWORD)).statusCode, 406, 'an expired link is dead')
})

t.test('a ticket of one tenant does nothing in another', async (t) => {
  const { app, requestLink } = await setup(t)
  const ticket = (await requestLink()).searchParams.get('ticket')!
  const res = await app.inject({ method: 'GET', url: `/lo/reset?ticket=${ticket}`, headers: { host: 'other.test', accept: 'application/json' } })
  t.equal(res.statusCode, 406)
  const still = await app.inject({ method: 'GET', url: `/lo/reset?ticket=${ticket}`, headers: { host: 'acme.test', accept: 'application/json' } })
  t.equal(still.statusCode, 200, 'and is not used up by it')
})

t.test('what a new password does: sessions end, blocks lift, an audit event, a notice', async (t) => {
  const { app, smtp, requestLink, submit, login } = await setup(t, { config: { attackProtection: { ...defaults.attackProtection, bruteForce: { enabled: true, threshold: 2, mode: 'per_ip', blockSeconds: 3600 } } } })
  const session = (await login(PASSWORD)).json()
  t.ok(session.refresh_token)
  const exchange = (idToken: string) => app.inject({
    method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' },
    payload: { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', client_id: 'spa', id_token: idToken, device: 'phone', scope: 'openid' },
  })
  t.equal((await exchange(session.id_token)).statusCode, 200, 'the id_token exchange works before the change')

  // Blocked by brute force (two wrong passwords); even the right one is refused now.
  await login('wrong 1')
  await login('wrong 2')
  t.same((await login(PASSWORD)).json(), { error: 'too_many_attempts', error_description: 'Your account has been blocked after multiple consecutive login attempts.' })

  const ticket = (await requestLink()).searchParams.get('ticket')!
  t.equal((await submit(ticket, NEW_PASSWORD)).statusCode, 200)

  const refreshed = await app.inject({ method: 'POST', url: '/oauth/token', headers: { host: 'acme.test' }, payload: { grant_type: 'refresh_token', client_id: 'spa', refresh_token: session.refresh_token } })
  t.same(refreshed.json(), { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' }, 'refresh tokens revoked')
  const exchanged = await exchange(session.id_token)
  t.equal(exchanged.statusCode, 400)
  t.same(exchanged.json(), { error: 'invalid_grant', error_description: 'The id_token is invalid or has expired.' }, 'an id_token of an earlier session is no longer exchanged')

  t.equal((await login(NEW_PASSWORD)).statusCode, 200, 'the brute-force block is lifted')

  const [event] = await app.tollgate.store.events({ type: 'password_change', limit: 5 })
  t.match(event, { type: 'password_change', connection: 'db', userId: 'auth0|alice', login: 'alice@acme.test', detail: /^reset_link; 1 sessions ended; \d+ refresh tokens revoked; \d+ block counters cleared$/ })

  const notice = await smtp.waitFor((m) => m.subject === 'Your password was changed')
  t.same(notice.to, ['alice@acme.test'])
  t.match(notice.text, /every session signed in with the old one has ended/)
})

t.test('two submissions of one ticket at once: one changes the password', async (t) => {
  const { requestLink, submit } = await setup(t)
  const ticket = (await requestLink()).searchParams.get('ticket')!
  const answers = await Promise.all([submit(ticket, NEW_PASSWORD), submit(ticket, 'Other new Passw0rd')])
  t.same(answers.map((r) => r.statusCode).sort(), [200, 406])
})

t.test('a ticket never reaches the log', async (t) => {
  const lines: string[] = []
  const smtp = await startSmtpServer(t)
  const app = await buildTestApp(t, { document: recoveryFixture(smtp.port), config: { logLevel: 'info' }, logStream: { write: (line) => { lines.push(line) } } })
  await app.inject(changePasswordRequest({ email: 'alice@acme.test', connection: 'db' }))
  await app.tollgate.mailer.idle()
  const link = linkIn(smtp.received[0])
  const ticket = link.searchParams.get('ticket')!
  await app.inject({ method: 'GET', url: `${link.pathname}${link.search}`, headers: { host: 'acme.test' } })
  await app.inject({ method: 'POST', url: `/lo/reset?ticket=${ticket}`, headers: { host: 'acme.test', 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD }) })
  t.notOk(lines.some((l) => l.includes(ticket)), 'no log line carries the ticket')
  t.ok(lines.some((l) => JSON.parse(l).req?.url === '/lo/reset?ticket=[Redacted]'), 'the request is logged without it')
  t.notOk(lines.some((l) => l.includes(NEW_PASSWORD)), 'nor the password')
})
