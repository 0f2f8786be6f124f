// Operations endpoints: readiness of an instance that is shutting down.
import { buildTestApp } from '../helpers/app.js'
import type { CatalogGroup } from './types.js'

export const group: CatalogGroup = {
  async setup (t) {
    const app = await buildTestApp(t)
    app.tollgate.lifecycle.draining = true
    return app
  },
  cases: [
    {
      key: 'not_ready', name: 'readiness while draining', request: { method: 'GET', url: '/health/ready' }, status: 503,
      body: { error: 'temporarily_unavailable', error_description: 'Not ready: the server is shutting down.' },
      headers: { 'cache-control': 'no-store' },
    },
  ],
}
