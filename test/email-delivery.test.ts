// Email delivery: SMTP per tenant (with a login whose password comes from the environment), the
// tenant's own templates, bounded retries with failures in the log (and never a link there), and the
// development outbox `tollgate outbox` prints.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { fixture } from './helpers/fixture.js'
import { changePasswordRequest, recoveryFixture } from './helpers/recovery.js'
import { linkIn, startSmtpServer } from './helpers/smtp.js'

const cli = path.join(import.meta.dirname, '..', 'dist', 'src', 'cli.js')
const resetAlice = changePasswordRequest({ email: 'alice@acme.test', connection: 'db' })

t.test('a tenant\'s own templates, and SMTP with a login', async (t) => {
  const smtp = await startSmtpServer(t, { auth: { user: 'mailer', pass: 's3cret-smtp' } })
  process.env.TOLLGATE_TEST_SMTP_PASSWORD = 's3cret-smtp'
  t.teardown(() => { delete process.env.TOLLGATE_TEST_SMTP_PASSWORD })
  const document = recoveryFixture(smtp.port, {
    smtp: { host: '127.0.0.1', port: smtp.port, auth: { user: 'mailer', pass_env: 'TOLLGATE_TEST_SMTP_PASSWORD' } },
    templates: { reset_password: { subject: 'New password for {{tenant}}', text: 'Hello {{email}}, go to {{link}} within {{expires_in}}.' } },
    reset_ticket_lifetime: 3600,
  })
  const app = await buildTestApp(t, { document })
  await app.inject(resetAlice)
  await app.tollgate.mailer.idle()
  t.equal(smtp.received.length, 1)
  const [email] = smtp.received
  t.equal(email.subject, 'New password for acme')
  t.match(email.text, /^Hello alice@acme\.test, go to http:\/\/acme\.test\/lo\/reset\?ticket=[\w-]+ within 1 hour\.$/)
  t.equal(linkIn(email).pathname, '/lo/reset')
})

t.test('a wrong SMTP login is a permanent failure, logged, never the caller\'s problem', async (t) => {
  const smtp = await startSmtpServer(t, { auth: { user: 'mailer', pass: 'right' } })
  process.env.TOLLGATE_TEST_SMTP_WRONG = 'wrong'
  t.teardown(() => { delete process.env.TOLLGATE_TEST_SMTP_WRONG })
  const lines: string[] = []
  const app = await buildTestApp(t, {
    document: recoveryFixture(smtp.port, { smtp: { host: '127.0.0.1', port: smtp.port, auth: { user: 'mailer', pass_env: 'TOLLGATE_TEST_SMTP_WRONG' } } }),
    config: { logLevel: 'info', email: { maxAttempts: 2, retryDelayMs: 1 } },
    logStream: { write: (line) => { lines.push(line) } },
  })
  const res = await app.inject(resetAlice)
  t.equal(res.statusCode, 200)
  await app.tollgate.mailer.idle()
  t.equal(smtp.received.length, 0)
  const failures = lines.map((l) => JSON.parse(l)).filter((l) => /^email not sent/.test(l.msg))
  // 535 is the server's final word: no retry.
  t.same(failures.map((l) => [l.msg, l.attempt]), [['email not sent: giving up', 1]])
  t.match(failures[0], { tenant: 'acme', kind: 'reset_password', connection: 'db' })
})

t.test('temporary failures are retried a bounded number of times', async (t) => {
  await t.test('delivered on the third attempt', async (t) => {
    const smtp = await startSmtpServer(t, { failFirst: 2 })
    const lines: string[] = []
    const app = await buildTestApp(t, {
      document: recoveryFixture(smtp.port),
      config: { logLevel: 'info', email: { maxAttempts: 3, retryDelayMs: 1 } },
      logStream: { write: (line) => { lines.push(line) } },
    })
    await app.inject(resetAlice)
    await app.tollgate.mailer.idle()
    t.equal(smtp.refusals(), 2)
    t.equal(smtp.received.length, 1)
    const ticket = linkIn(smtp.received[0]).searchParams.get('ticket')!
    t.notOk(lines.some((l) => l.includes(ticket)), 'the link never reaches the log')
    t.ok(lines.some((l) => JSON.parse(l).msg === 'email sent' && JSON.parse(l).attempt === 3))
  })

  await t.test('closing the app waits for an email being retried', async (t) => {
    const smtp = await startSmtpServer(t, { failFirst: 1 })
    const app = await buildTestApp(t, { document: recoveryFixture(smtp.port), config: { email: { maxAttempts: 2, retryDelayMs: 200 } } })
    await app.inject(resetAlice)
    await app.close()
    t.equal(smtp.refusals(), 1)
    t.equal(smtp.received.length, 1, 'sent on the retry, before close() returned')
  })

  await t.test('given up after maxAttempts', async (t) => {
    const smtp = await startSmtpServer(t, { failFirst: 10 })
    const app = await buildTestApp(t, { document: recoveryFixture(smtp.port), config: { email: { maxAttempts: 2, retryDelayMs: 1 } } })
    const res = await app.inject(resetAlice)
    t.equal(res.statusCode, 200, 'the caller is not told')
    await app.tollgate.mailer.idle()
    t.equal(smtp.refusals(), 2, 'two attempts, then no more')
    t.equal(smtp.received.length, 0)
  })

  await t.test('an unreachable server', async (t) => {
    const smtp = await startSmtpServer(t)
    const app = await buildTestApp(t, {
      // A port nothing listens on: the SMTP server's own port, once it is closed.
      document: recoveryFixture(smtp.port, { smtp: { host: '127.0.0.1', port: 9, timeout_ms: 500 } }),
      config: { email: { maxAttempts: 2, retryDelayMs: 1 } },
    })
    t.equal((await app.inject(resetAlice)).statusCode, 200)
    await app.tollgate.mailer.idle()
    t.equal(smtp.received.length, 0)
  })
})

t.test('the development outbox keeps emails, and `tollgate outbox` shows them', async (t) => {
  const dataDir = t.testdir()
  const app = await buildTestApp(t, { document: fixture(), config: { dataDir } })
  t.equal((await app.inject(resetAlice)).statusCode, 200)
  // Closed at once: the email being sent is finished before the store closes.
  await app.close()

  const run = spawnSync(process.execPath, [cli, 'outbox'], { env: { ...process.env, TOLLGATE_DATA_DIR: dataDir }, encoding: 'utf8' })
  t.equal(run.status, 0, run.stderr)
  t.match(run.stdout, /email to alice@acme\.test \(connection db\)\n {2}Subject: Reset your password\n/)
  t.match(run.stdout, /http:\/\/acme\.test\/lo\/reset\?ticket=[\w-]{43}/)
})
