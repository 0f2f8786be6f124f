// The store out of reach: a PostgreSQL that went away answers 503 temporarily_unavailable with
// Retry-After, never a 500 (store-outage.test.ts shows the recovery).
import { buildTestApp, passwordBody } from '../helpers/app.js'
import { freshDatabase, outageRelay } from '../helpers/postgres.js'
import type { CatalogGroup } from './types.js'

export const group: CatalogGroup = {
  async setup (t) {
    const relay = await outageRelay(t, await freshDatabase(t))
    const app = await buildTestApp(t, { config: { database: { url: relay.url, poolSize: 2 } } })
    await relay.cut()
    return app
  },
  cases: [
    {
      key: 'store_unavailable', name: 'the database is down',
      request: { body: passwordBody() }, status: 503,
      body: { error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable. Try again shortly.' },
      headers: { 'retry-after': '1' },
    },
  ],
}
