// Walks the whole error catalog: every entry is provoked through HTTP and answered with exactly its
// documented status and body. The cases live in test/catalog/, one file per area; a catalog entry
// that no case provokes fails this test.
import Database from 'better-sqlite3'
import { readdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import t from 'tap'
import { catalog } from '../src/errors.js'
import { SQLITE_FILE } from '../src/store/sqlite.js'
import type { App } from '../src/app.js'
import type { CatalogGroup } from './catalog/types.js'
import { buildTestApp, passwordBody } from './helpers/app.js'
import { PASSWORD } from './helpers/fixture.js'
import { rawRequest } from './helpers/raw-http.js'

const catalogDir = path.join(import.meta.dirname, 'catalog')
const groups: Array<[string, CatalogGroup]> = await Promise.all(
  readdirSync(catalogDir).filter((f) => f.endsWith('.ts') && f !== 'types.ts').sort()
    .map(async (f) => [f, (await import(path.join(catalogDir, f))).group as CatalogGroup] as [string, CatalogGroup]))

t.test('every catalog entry has a case', async (t) => {
  const covered = new Set(groups.flatMap(([, g]) => g.cases.map((c) => c.key)))
  // server_error has its own test below: it needs a fault inside the server.
  covered.add('server_error')
  t.same([...covered].sort(), Object.keys(catalog).sort())
})

for (const [file, group] of groups) {
  t.test(`${file}: each failure answers its exact status and body`, async (t) => {
    const built = await group.setup(t)
    const apps: Record<string, App> = 'inject' in built ? { main: built as App } : built as Record<string, App>
    for (const c of group.cases) {
      const app = apps[c.app ?? 'main']
      const { method = 'POST', url = '/oauth/ro', body, payload, headers, raw } = c.request
      if (raw !== undefined) {
        if (!app.server.listening) await app.listen({ host: '127.0.0.1', port: 0 })
        const answer = await rawRequest((app.server.address() as AddressInfo).port, [raw])
        t.equal(answer.status, c.status, `${c.name}: status`)
        t.same(JSON.parse(answer.body), c.body, `${c.name}: body`)
        t.equal(answer.headers['content-type'], 'application/json; charset=utf-8', `${c.name}: JSON`)
        t.equal(answer.headers['x-content-type-options'], 'nosniff', `${c.name}: nosniff`)
        continue
      }
      const res = await app.inject({
        method,
        url,
        headers: { host: 'acme.test', ...headers },
        ...(payload !== undefined ? { payload } : body !== undefined ? { payload: body as object } : {}),
      })
      t.equal(res.statusCode, c.status, `${c.name}: status`)
      const { ...answered } = res.json()
      for (const [field, pattern] of Object.entries(c.variableFields ?? {})) {
        t.match(answered[field], pattern, `${c.name}: ${field}`)
        delete answered[field]
      }
      t.same(answered, c.body, `${c.name}: body`)
      t.equal(res.headers['content-type'], 'application/json; charset=utf-8', `${c.name}: JSON`)
      t.equal(res.headers['x-content-type-options'], 'nosniff', `${c.name}: nosniff`)
      for (const [name, value] of Object.entries(c.headers ?? {})) t.equal(res.headers[name], value, `${c.name}: ${name} header`)
    }
  })
}

t.test('an unexpected failure answers server_error with a request id found in the log, and no internals', async (t) => {
  const lines: string[] = []
  const config = { dataDir: t.testdir(), logLevel: 'info' as const }
  const app = await buildTestApp(t, { config, logStream: { write: (line) => { lines.push(line) } } })
  // A tenant whose signing key vanished cannot mint tokens: an internal fault, not the client's.
  const db = new Database(path.join(config.dataDir, SQLITE_FILE))
  db.prepare('DELETE FROM signing_keys').run()
  db.close()

  const res = await app.inject({ method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' }, payload: passwordBody({ password: PASSWORD }) })
  const requestId = res.headers['x-request-id'] as string
  t.equal(res.statusCode, 500)
  t.same(res.json(), { error: 'server_error', error_description: `An internal error occurred. Reference: ${requestId}` })
  t.match(requestId, /^[0-9a-f-]{36}$/)
  const logged = lines.map((l) => JSON.parse(l)).find((l) => l.reqId === requestId && l.level === 50)
  t.ok(logged, 'the error is logged under the same request id')
  t.match(logged.err.message, /no signing key/)
  t.notMatch(res.body, /signing key|stack|at /, 'the client sees no internals')
})
