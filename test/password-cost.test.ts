// Timing must not tell which accounts exist: an unknown user costs exactly the one argon2id verify
// a known user costs (a blocked one too), and a refusal decided before verification costs none.
import t from 'tap'
import { buildTestApp, countingHasher, passwordBody } from './helpers/app.js'

t.test('argon2 verifies per login attempt', async (t) => {
  const hasher = countingHasher()
  const app = await buildTestApp(t, { hasher })
  const verifiesFor = async (fields: Record<string, unknown>, status: number) => {
    const before = hasher.verifies
    const res = await app.inject({ method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' }, payload: passwordBody(fields) })
    t.equal(res.statusCode, status)
    return hasher.verifies - before
  }
  t.equal(await verifiesFor({}, 200), 1, 'right password: one verify')
  t.equal(await verifiesFor({ password: 'wrong' }, 401), 1, 'wrong password: one verify')
  t.equal(await verifiesFor({ username: 'nobody@acme.test' }, 401), 1, 'unknown user: the same one verify')
  t.equal(await verifiesFor({ username: 'bob@acme.test' }, 401), 1, 'blocked user: the same one verify (told of the block only after the right password)')
  t.equal(await verifiesFor({ client_id: 'backend' }, 401), 0, 'confidential client without its secret: no verify')
  t.equal(await verifiesFor({ client_id: 'nobody' }, 403), 0, 'unknown client: no verify')
  t.equal(await verifiesFor({ password: undefined }, 400), 0, 'malformed request: no verify')
})

