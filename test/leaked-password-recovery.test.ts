// A user whose password is in a breach is refused with password_leaked, is sent the reset email the
// refusal promises (at most once a day, however often they try), and unblocks themselves with it.
import path from 'node:path'
import t from 'tap'
import { defaults } from '../src/config.js'
import { buildTestApp } from './helpers/app.js'
import { PASSWORD } from './helpers/fixture.js'
import { breachedFile, recoveryFixture } from './helpers/recovery.js'
import { sql } from './helpers/seed.js'
import { linkIn, startSmtpServer } from './helpers/smtp.js'

const LEAKED = { error: 'password_leaked', error_description: 'This login has been blocked because your password has been leaked in another website. We’ve sent you an email with instructions on how to unblock it.' }

t.test('blocked for a leaked password, unblocked by the emailed link', async (t) => {
  const dataDir = t.testdir()
  const smtp = await startSmtpServer(t)
  const attackProtection = { ...defaults.attackProtection, breachedPasswords: { file: breachedFile(path.join(dataDir, '..'), [PASSWORD]), minCount: 1 } }
  const app = await buildTestApp(t, { document: recoveryFixture(smtp.port), config: { dataDir, attackProtection } })
  const login = (password: string, username = 'alice@acme.test') => app.inject({
    method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' },
    payload: { grant_type: 'password', client_id: 'spa', connection: 'db', username, password, scope: 'openid' },
  })

  for (let i = 0; i < 3; i++) {
    const res = await login(PASSWORD)
    t.equal(res.statusCode, 401)
    t.same(res.json(), LEAKED)
  }
  // A leaked password tried for a user that does not exist sends nothing to anyone.
  t.same((await login(PASSWORD, 'nobody@acme.test')).json(), LEAKED)
  await app.tollgate.mailer.idle()
  t.equal(smtp.received.length, 1, 'one email for three refusals')
  const [email] = smtp.received
  t.same(email.to, ['alice@acme.test'])
  t.equal(email.subject, 'Reset your password')

  // A day later, the next refusal sends a new one.
  sql(dataDir, 'UPDATE users SET leaked_notice_at = leaked_notice_at - 86400')
  t.same((await login(PASSWORD)).json(), LEAKED)
  await app.tollgate.mailer.idle()
  t.equal(smtp.received.length, 2, 'once per day')
  const link = linkIn(smtp.received[1])
  t.equal((await app.inject({ method: 'GET', url: `${link.pathname}${link.search}`, headers: { host: 'acme.test' } })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: `${linkIn(email).pathname}${linkIn(email).search}`, headers: { host: 'acme.test' } })).statusCode, 406, 'the first link was replaced')

  const newPassword = 'Not Leaked Anywhere 7'
  const set = await app.inject({
    method: 'POST', url: '/lo/reset', headers: { host: 'acme.test', 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ ticket: link.searchParams.get('ticket')!, password: newPassword, password_confirmation: newPassword }).toString(),
  })
  t.equal(set.statusCode, 200)
  const res = await login(newPassword)
  t.equal(res.statusCode, 200, 'the user unblocked themselves')
  t.ok(res.json().id_token)
  t.same((await login(PASSWORD)).json(), LEAKED, 'the leaked password stays refused')
})
