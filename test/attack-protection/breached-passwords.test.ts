// Breached passwords through HTTP: a login with a password from the configured Pwned Passwords file
// is refused with 401 password_leaked before any hash, and stays refused until the password changes.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { BREACHED_FILE, login, protection } from '../helpers/attack.js'
import { buildTestApp, countingHasher, provision, testConfig } from '../helpers/app.js'
import { fixture } from '../helpers/fixture.js'

const LEAKED = {
  error: 'password_leaked',
  error_description: 'This login has been blocked because your password has been leaked in another website. We’ve sent you an email with instructions on how to unblock it.',
}

/** The fixture, plus dave, whose password is in the sample breach file. */
function documentWithDave () {
  const document = fixture()
  document.tenants[0].users.push({ connection: 'db', email: 'dave@acme.test', email_verified: true, password: 'P@ssw0rd' })
  return document
}
const withFile = protection({ breachedPasswords: { file: BREACHED_FILE } })

t.test('a leaked password is refused without a hash, right or wrong', async (t) => {
  const hasher = countingHasher()
  const app = await buildTestApp(t, { hasher, document: documentWithDave(), config: withFile })
  hasher.verifies = 0
  for (const username of ['dave@acme.test', 'alice@acme.test', 'nobody@acme.test']) {
    const res = await login(app, { username, password: 'P@ssw0rd' })
    t.equal(res.statusCode, 401)
    t.same(res.json(), LEAKED, username)
  }
  t.equal(hasher.verifies, 0)
  t.equal((await login(app)).statusCode, 200, 'a password from no breach logs in')
})

t.test('the account stays refused until its password changes', async (t) => {
  const dataDir = t.testdir()
  const app = await buildTestApp(t, { document: documentWithDave(), config: { dataDir, ...withFile } })
  t.same((await login(app, { username: 'dave@acme.test', password: 'P@ssw0rd' })).json(), LEAKED)
  t.same((await login(app, { username: 'dave@acme.test', password: 'P@ssw0rd' })).json(), LEAKED, 'again')
  const changed = documentWithDave()
  changed.tenants[0].users[3].password = 'a passphrase of his own'
  await provision(testConfig(t, { dataDir }), changed)
  t.equal((await login(app, { username: 'dave@acme.test', password: 'a passphrase of his own' })).statusCode, 200)
  t.same((await login(app, { username: 'dave@acme.test', password: 'P@ssw0rd' })).json(), LEAKED, 'the old one stays refused')
})

t.test('a refused leaked password counts as a failed login', async (t) => {
  const app = await buildTestApp(t, { document: documentWithDave(), config: protection({ breachedPasswords: { file: BREACHED_FILE }, bruteForce: { threshold: 2 } }) })
  await login(app, { password: '123456' })
  await login(app, { password: 'qwerty' })
  t.equal((await login(app)).statusCode, 429, 'the account is blocked from this IP')
  t.match(await app.tollgate.store.events({ type: 'failed_login', limit: 1 }), [{ detail: 'password_leaked', login: 'alice@acme.test' }])
})

t.test('minCount: passwords seen fewer times are let through', async (t) => {
  const strict = await buildTestApp(t, { config: withFile })
  t.same((await login(strict, { password: 'hunter2' })).json(), LEAKED, 'seen once: refused by default')
  const lenient = await buildTestApp(t, { config: protection({ breachedPasswords: { file: BREACHED_FILE, minCount: 2 } }) })
  t.equal((await login(lenient, { password: 'hunter2' })).statusCode, 401, 'seen once, minCount 2: verified (and wrong)')
  t.same((await login(lenient, { password: 'P@ssw0rd' })).json(), LEAKED)
})

t.test('a tenant may turn the check off; without a file there is none', async (t) => {
  const document = documentWithDave()
  document.tenants[0].attack_protection = { breached_password_detection: { enabled: false } }
  const off = await buildTestApp(t, { document, config: withFile })
  t.equal((await login(off, { username: 'dave@acme.test', password: 'P@ssw0rd' })).statusCode, 200)
  const none = await buildTestApp(t, { document: documentWithDave() })
  t.equal((await login(none, { username: 'dave@acme.test', password: 'P@ssw0rd' })).statusCode, 200)
})

t.test('a configured file that cannot be read stops the start', async (t) => {
  await t.rejects(buildApp({ config: testConfig(t, protection({ breachedPasswords: { file: '/nonexistent/pwned.txt' } })) }),
    /cannot open the breached-passwords file/)
})
