// An outage of a custom database's user store is the operator's to fix: one warning naming the
// cause, no stack trace; the client gets 503 temporarily_unavailable.
import t from 'tap'
import { buildTestApp, passwordBody } from './helpers/app.js'
import { fixture } from './helpers/fixture.js'
import { startUserStore } from './helpers/user-store-server.js'

t.test('a user store answering 500 is logged at warn, without a stack', async (t) => {
  const userStore = await startUserStore(t)
  const lines: string[] = []
  const app = await buildTestApp(t, {
    document: fixture({ loginUrl: userStore.url }), config: { logLevel: 'info' }, logStream: { write: (line) => { lines.push(line) } },
  })
  const res = await app.inject({
    method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' }, payload: passwordBody({ connection: 'legacy-db', username: 'broken@legacy.test' }),
  })
  t.equal(res.statusCode, 503)
  t.same(res.json().error, 'temporarily_unavailable')
  const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'custom database unavailable')
  t.equal(logged.length, 1)
  t.match(logged[0], { level: 40, connection_error: 'login_url answered 500' })
  t.notMatch(lines.join('\n'), /"stack"/, 'no stack trace anywhere')
})
