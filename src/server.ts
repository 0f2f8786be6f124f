// The process around the app: listen, and close gracefully on SIGINT / SIGTERM.
import { buildApp, type App } from './app.js'
import { stopWithMainProcess } from './cluster.js'
import type { Config } from './config.js'

export async function startServer (config: Config): Promise<App> {
  const app = await buildApp({ config })
  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    app.close().then(() => process.exit(0), (err) => {
      app.log.error({ err }, 'shutdown failed')
      process.exit(1)
    })
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
  stopWithMainProcess(shutdown)
  await app.listen({ host: config.host, port: config.port })
  return app
}
