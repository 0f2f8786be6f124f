// Email verification: signup sends a link, GET /lo/verify_email verifies with a small page (406
// for a dead link, like reset links), a client requiring verified emails then lets the user in;
// `tollgate apply` sends links to new users declared with verify_email: true; `tollgate users
// verify-link` and `reset-link` print links for an operator.
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { buildTestApp, testConfig } from './helpers/app.js'
import { PASSWORD } from './helpers/fixture.js'
import { recoveryFixture } from './helpers/recovery.js'
import { linkIn, startSmtpServer } from './helpers/smtp.js'

const cli = path.join(import.meta.dirname, '..', 'dist', 'src', 'cli.js')
const EXPIRED = { error: 'PASSWORD_RESET_HASH_EXPIRED', error_description: 'This link has expired or has already been used.' }

t.test('signup sends a verification link; the link verifies once', async (t) => {
  const smtp = await startSmtpServer(t)
  const document = recoveryFixture(smtp.port)
  document.tenants[0].connections[0].enabled_clients.push('strict-spa')
  const app = await buildTestApp(t, { document })
  const signup = await app.inject({
    method: 'POST', url: '/dbconnections/signup', headers: { host: 'acme.test' },
    payload: { client_id: 'strict-spa', connection: 'db', email: 'Dora@Acme.test', password: 'Dora Passw0rd' },
  })
  t.equal(signup.statusCode, 200)
  t.equal(signup.json().email_verified, false)
  const login = () => app.inject({
    method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' },
    payload: { grant_type: 'password', client_id: 'strict-spa', connection: 'db', username: 'dora@acme.test', password: 'Dora Passw0rd', scope: 'openid' },
  })
  t.same((await login()).json(), { error: 'access_denied', error_description: 'Please verify your email before logging in.' })

  await app.tollgate.mailer.idle()
  const email = await smtp.waitFor((m) => m.subject === 'Verify your email address')
  t.same(email.to, ['dora@acme.test'])
  const link = linkIn(email)
  t.equal(link.pathname, '/lo/verify_email')

  const page = await app.inject({ method: 'GET', url: `${link.pathname}${link.search}`, headers: { host: 'acme.test' } })
  t.equal(page.statusCode, 200)
  t.match(page.body, '<strong>dora@acme.test</strong> is verified')
  t.match(page.headers['content-security-policy'], /^default-src 'none'/)
  t.equal((await login()).statusCode, 200, 'the client requiring verified emails lets the user in')

  const again = await app.inject({ method: 'GET', url: `${link.pathname}${link.search}`, headers: { host: 'acme.test' } })
  t.equal(again.statusCode, 406)
  t.match(again.body, 'This link has expired or has already been used.')
  const json = await app.inject({ method: 'GET', url: `${link.pathname}${link.search}`, headers: { host: 'acme.test', accept: 'application/json' } })
  t.same(json.json(), EXPIRED)
  const [event] = await app.tollgate.store.events({ type: 'email_verified', limit: 1 })
  t.match(event, { connection: 'db', login: 'dora@acme.test', detail: 'verify_link' })
  // A reset ticket is no verification ticket, and the other way round.
  t.equal((await app.inject({ method: 'GET', url: `/lo/reset${link.search}`, headers: { host: 'acme.test', accept: 'application/json' } })).statusCode, 406)
})

t.test('the CLI: apply sends verify_email links; users reset-link and verify-link print one', async (t) => {
  const smtp = await startSmtpServer(t)
  const dataDir = t.testdir()
  const document = recoveryFixture(smtp.port)
  document.tenants[0].public_url = 'https://login.acme.test/'
  document.tenants[0].users.push({ connection: 'db', email: 'erin@acme.test', password: PASSWORD, verify_email: true })
  const file = path.join(dataDir, '..', 'tenants.json')
  writeFileSync(file, JSON.stringify(document))
  const env = { ...process.env, TOLLGATE_DATA_DIR: dataDir, TOLLGATE_ARGON2_MEMORY_COST: '4096' }
  // Asynchronous: the SMTP server the CLI sends to runs in this very process.
  const tollgate = (...args: string[]) => new Promise<{ status: number | null, stdout: string, stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => { stdout += chunk })
    child.stderr.on('data', (chunk) => { stderr += chunk })
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })

  const applied = await tollgate('apply', file)
  t.equal(applied.status, 0, applied.stderr)
  t.match(applied.stdout, 'verification email queued for erin@acme.test')
  const email = await smtp.waitFor((m) => m.subject === 'Verify your email address')
  t.same(email.to, ['erin@acme.test'])
  t.equal(linkIn(email).origin, 'https://login.acme.test', 'under the tenant\'s public URL')
  t.equal((await tollgate('apply', file)).stdout.includes('verification'), false, 'applying again sends nothing')

  const reset = await tollgate('users', 'reset-link', '--connection', 'db', 'alice@acme.test')
  t.equal(reset.status, 0, reset.stderr)
  t.match(reset.stdout, /^https:\/\/login\.acme\.test\/lo\/reset\?ticket=[\w-]{43}\n\(for alice@acme\.test in acme\/db; works once, expires in 5 days\)\n$/)
  const verify = await tollgate('users', 'verify-link', '--connection', 'db', '--tenant', 'acme', 'carol@acme.test')
  t.equal(verify.status, 0, verify.stderr)
  t.match(verify.stdout, /^https:\/\/login\.acme\.test\/lo\/verify_email\?ticket=[\w-]{43}\n/)

  const app = await buildApp({ config: testConfig(t, { dataDir }) })
  t.teardown(() => app.close())
  const resetLink = new URL(reset.stdout.split('\n')[0])
  t.equal((await app.inject({ method: 'GET', url: `${resetLink.pathname}${resetLink.search}`, headers: { host: 'acme.test' } })).statusCode, 200, 'the printed link opens the form')

  const help = await tollgate('users', 'reset-link', '--help')
  t.equal(help.status, 0)
  t.match(help.stdout, 'Usage: tollgate users reset-link [options] <login>')
  t.match(help.stdout, '--base-url <url>')
  for (const [args, status, message] of [
    [['users', 'reset-link', 'alice@acme.test'], 2, "required option '--connection <name>' not specified"],
    [['users', 'reset-link', '--connection', 'db', 'nobody@acme.test'], 1, 'no user nobody@acme.test in acme/db'],
    [['users', 'reset-link', '--connection', 'google', 'alice@acme.test'], 1, 'connection google is not a database connection'],
    [['users', 'reset-link', '--connection', 'db', '--tenant', 'other', 'alice@acme.test'], 1, 'tenant other has no public_url: give --base-url'],
    [['users', 'reset-link', '--connection', 'db', '--base-url', 'ftp://x/', 'alice@acme.test'], 1, '--base-url ftp://x/ must be an http or https URL'],
    [['users', 'reset-link', '--connection', 'db', '--bogus', 'alice@acme.test'], 2, "unknown option '--bogus'"],
  ] as const) {
    const run = await tollgate(...args)
    t.equal(run.status, status, `${args.join(' ')}: fails`)
    t.match(run.stderr, message)
    t.notMatch(run.stderr, /\n\s+at /, 'no stack trace')
  }
  const other = await tollgate('users', 'reset-link', '--connection', 'other-db', '--tenant', 'other', '--base-url', 'https://other.example', 'alice@acme.test')
  t.match(other.stdout, /^https:\/\/other\.example\/lo\/reset\?ticket=/)
})
