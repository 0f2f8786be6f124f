// What a custom-database user store answers is bounded: a huge or deeply nested profile makes the
// connection unavailable (never a 500), only known fields are kept, and a profile naming another
// user's email is refused with its documented error.
import t from 'tap'
import { buildTestApp, passwordBody } from '../helpers/app.js'
import { fixture } from '../helpers/fixture.js'
import { startProfileStore } from '../helpers/profile-store-server.js'

const unavailable = { error: 'temporarily_unavailable', error_description: 'The connection\'s user store did not answer. Try again later.' }
const conflict = { error: 'user_exists', error_description: 'The user store returned a profile whose email, username or phone number belongs to another user of this connection.' }

t.test('a custom-database profile is read within bounds, and kept to known fields', async (t) => {
  const url = await startProfileStore(t, {
    'huge@store.test': 'huge',
    'deep@store.test': 'deep',
    'extra@store.test': { user_id: 'ext-1', email: 'extra@store.test', name: 'Extra', internal_notes: 'not for tokens', given_name: 'E' },
    'first@store.test': { user_id: 'ext-2', email: 'shared@store.test' },
    'second@store.test': { user_id: 'ext-3', email: 'shared@store.test' },
  })
  const app = await buildTestApp(t, { document: fixture({ loginUrl: url }) })
  const login = (username: string) => app.inject({
    method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' },
    payload: passwordBody({ connection: 'legacy-db', username, scope: 'openid profile email' }),
  })

  for (const username of ['huge@store.test', 'deep@store.test']) {
    const res = await login(username)
    t.equal(res.statusCode, 503, username)
    t.same(res.json(), unavailable, username)
  }

  t.equal((await login('extra@store.test')).statusCode, 200)
  const connection = await app.tollgate.store.connectionByName((await app.tollgate.store.tenantByHost('acme.test'))!.id, 'legacy-db')
  const saved = await app.tollgate.store.userByLogin(connection!.id, 'extra@store.test')
  t.same(saved!.profile, { name: 'Extra', given_name: 'E' }, 'unknown fields are not kept')

  t.equal((await login('first@store.test')).statusCode, 200)
  const clash = await login('second@store.test')
  t.equal(clash.statusCode, 409)
  t.same(clash.json(), conflict)
})
