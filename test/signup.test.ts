// POST /dbconnections/signup: Auth0's answer, argon2id hashing, login afterwards, the password
// policy, and two equal signups racing.
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { poster } from './helpers/http.js'
import { sessionsFixture } from './helpers/sessions-fixture.js'

t.test('a signup creates a user who can log in at once', async (t) => {
  const app = await buildTestApp(t, { document: sessionsFixture() })
  const signup = poster(app, '/dbconnections/signup')
  const res = await signup({
    client_id: 'spa', connection: 'strict-db', email: 'New.User@Acme.test', password: 'Tr0ub4dor&3x', username: 'newuser',
    given_name: 'New', user_metadata: { plan: 'gold' },
  } as any, { json: true })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body._id, /^[0-9a-f]{24}$/, 'the id without its auth0| prefix')
  t.same(body, { _id: body._id, email: 'new.user@acme.test', email_verified: false, username: 'newuser', given_name: 'New', user_metadata: { plan: 'gold' } })

  const stored = await app.tollgate.store.userById((await app.tollgate.store.tenantByName('acme'))!.id, `auth0|${body._id}`)
  t.match(stored?.passwordHash, /^\$argon2id\$v=19\$/, 'stored as an argon2id hash')
  t.equal(await app.tollgate.hasher.verify(stored!.passwordHash!, 'Tr0ub4dor&3x'), true)

  const login = await poster(app, '/oauth/token')({ grant_type: 'http://auth0.com/oauth/grant-type/password-realm', realm: 'strict-db', client_id: 'spa', username: 'newuser', password: 'Tr0ub4dor&3x' })
  t.equal(login.statusCode, 200, 'the new user logs in by username')

  const form = await signup({ client_id: 'spa', connection: 'db', email: 'form@acme.test', password: 'long enough' })
  t.equal(form.statusCode, 200, 'a form body works too')
  t.same(form.json(), { _id: form.json()._id, email: 'form@acme.test', email_verified: false })
})

t.test('two equal signups at once: one user, one 409', async (t) => {
  const app = await buildTestApp(t, { document: sessionsFixture() })
  const signup = poster(app, '/dbconnections/signup')
  const body = { client_id: 'spa', connection: 'db', email: 'twice@acme.test', password: 'long enough' }
  const replies = await Promise.all([signup(body), signup(body)])
  t.same(replies.map((r) => r.statusCode).sort(), [200, 409])
  t.same(replies.find((r) => r.statusCode === 409)!.json(), { error: 'user_exists', error_description: 'The user already exists.' })
})
