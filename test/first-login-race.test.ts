// The first login of one user arriving twice at once, on both stores: a custom-database user is
// copied into the store once, a passwordless user created once, and every request logs in as that
// one user (before, the loser of the insert answered 500).
import t, { type Test } from 'tap'
import type { Config } from '../src/config.js'
import { buildTestApp, passwordBody } from './helpers/app.js'
import { fixture, PASSWORD } from './helpers/fixture.js'
import { decodeClaims } from './helpers/http.js'
import { latestCode, otpLogin, passwordlessFixture, startLogin } from './helpers/passwordless.js'
import { freshDatabase } from './helpers/postgres.js'
import { startUserStore } from './helpers/user-store-server.js'

const stores: Array<[string, (t: Test) => Promise<Partial<Config>>]> = [
  ['SQLite', async () => ({})],
  ['PostgreSQL', async (t) => ({ database: { url: await freshDatabase(t), poolSize: 8 } })],
]

for (const [name, storeConfig] of stores) {
  t.test(`custom database: parallel first logins of one user make one user (${name})`, async (t) => {
    const userStore = await startUserStore(t)
    const app = await buildTestApp(t, { document: fixture({ loginUrl: userStore.url }), config: await storeConfig(t) })
    const replies = await Promise.all(Array.from({ length: 6 }, () => app.inject({
      method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' },
      payload: passwordBody({ connection: 'legacy-db', username: 'dave@legacy.test', password: PASSWORD }),
    })))
    t.same(replies.map((r) => r.statusCode), [200, 200, 200, 200, 200, 200])
    const subjects = new Set(replies.map((r) => decodeClaims(r.json().id_token).sub))
    t.equal(subjects.size, 1, 'all logged in as the same user')
  })

  t.test(`passwordless: a first login raced with the same code on several requests makes one user (${name})`, async (t) => {
    const app = await buildTestApp(t, { document: passwordlessFixture(), config: await storeConfig(t) })
    t.equal((await startLogin(app, { phone_number: '+15550000777' })).statusCode, 200)
    const code = await latestCode(app, '+15550000777')
    const replies = await Promise.all(Array.from({ length: 3 }, () => otpLogin(app, 'sms', '+15550000777', code)))
    t.equal(replies.filter((r) => r.statusCode === 200).length, 1, 'the code logged in once')
    t.equal(replies.filter((r) => r.statusCode >= 500).length, 0, 'no server error')
  })
}
