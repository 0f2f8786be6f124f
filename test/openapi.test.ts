// The OpenAPI document: every registered route is in it, with its catalog errors; every catalog
// entry is documented somewhere; the reference page is served; the setting turns both off.
import t from 'tap'
import { catalog } from '../src/errors.js'
import { buildTestApp } from './helpers/app.js'

/** Routes that are not the API: the document itself, its page's files, and Fastify's automatic HEAD / CORS preflight. */
const notApi = (path: string, method: string) => method === 'HEAD' || method === 'OPTIONS' || path === '/openapi.json' || path.startsWith('/docs')

t.test('every route is documented, and every catalog entry under at least one route', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/openapi.json', headers: { host: 'anything.example' } })
  t.equal(res.statusCode, 200)
  const doc = res.json()
  t.equal(doc.openapi, '3.1.0')

  const registered = [...app.knownRoutes].flatMap(([path, methods]) => [...methods].filter((m) => !notApi(path, m)).map((m) => `${m} ${path.replace(/:(\w+)/g, '{$1}')}`)).sort()
  const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, operations]) => Object.keys(operations).map((m) => `${m.toUpperCase()} ${path}`)).sort()
  t.same(documented, registered, 'the document has exactly the registered routes')

  const seen = new Set<string>()
  for (const operations of Object.values(doc.paths as Record<string, Record<string, any>>)) {
    for (const operation of Object.values(operations)) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, any>)) {
        for (const [key, example] of Object.entries(response.content?.['application/json']?.examples ?? {}) as Array<[string, any]>) {
          const entry = catalog[key as keyof typeof catalog]
          t.ok(entry, `${key} is a catalog entry`)
          t.equal(Number(status), entry.status, `${key} documented with its status`)
          t.equal(example.value.error, entry.error, `${key} documented with its error code`)
          seen.add(key)
        }
      }
    }
  }
  for (const key of Object.keys(doc.components.responses.NotFound.content['application/json'].examples)) seen.add(key)
  t.same([...seen].sort(), Object.keys(catalog).sort(), 'every catalog entry is documented')

  const token = doc.paths['/oauth/token'].post
  t.ok(token.requestBody, 'bodies come from the TypeBox schemas')
  t.ok(token.responses['200'], 'and the success response')
  t.same(token.responses['429'].content['application/json'].examples.account_blocked.value,
    { error: 'too_many_attempts', error_description: 'Your account has been blocked after multiple consecutive login attempts.' })
})

t.test('the reference page is served, and TOLLGATE_OPENAPI_ENABLED=false turns both off', async (t) => {
  const app = await buildTestApp(t)
  const page = await app.inject({ method: 'GET', url: '/docs/', headers: { host: 'anything.example' } })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /text\/html/)

  const off = await buildTestApp(t, { config: { openApi: false } })
  for (const url of ['/openapi.json', '/docs/']) {
    const res = await off.inject({ method: 'GET', url, headers: { host: 'acme.test' } })
    t.equal(res.statusCode, 404, url)
    t.same(res.json(), { error: 'not_found', error_description: 'The requested endpoint does not exist.' })
  }
})
