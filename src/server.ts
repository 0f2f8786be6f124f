// The process around the app: listen, and on SIGINT / SIGTERM drain and close (close-with-grace).
// Draining: readiness answers 503 at once, the listener stops taking connections, requests in
// flight get `shutdownDrainMs` to finish, then the rest are cut; the store and Redis close, exit 0.
import closeWithGrace from 'close-with-grace'
import { buildApp, type App } from './app.js'
import { isWorkerOfSeveral, stopWithMainProcess } from './cluster.js'
import type { Config } from './config.js'

export async function startServer (config: Config): Promise<App> {
  const app = await buildApp({ config })
  try {
    await app.listen({ host: config.host, port: config.port })
  } catch (err) {
    await app.close()
    throw err
  }
  const drainMs = config.shutdownDrainMs
  // A worker (TOLLGATE_WORKERS > 1) handles its stop signals itself: its main process sends it one
  // SIGTERM, but the same signal may also come straight from a supervisor signalling the whole group
  // (systemd's default), and a terminal's Ctrl-C reaches the group as SIGINT. The first starts the
  // drain; the others are ignored (to close-with-grace a second signal cuts the drain short).
  const worker = isWorkerOfSeveral()
  let stopReason: string | undefined
  const grace = closeWithGrace({ delay: drainMs + 5000, logger: false, skip: worker ? ['SIGINT', 'SIGTERM'] : [] }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an unexpected error')
    else app.log.info({ signal: signal ?? stopReason, drainMs }, 'draining, then closing')
    app.tollgate.lifecycle.draining = true
    const cut = setTimeout(() => { app.server.closeAllConnections() }, drainMs)
    cut.unref()
    await app.close()
    clearTimeout(cut)
    app.log.info('closed')
  })
  if (worker) {
    const stopOnce = (reason: string) => {
      if (stopReason !== undefined) return
      stopReason = reason
      grace.close()
    }
    process.on('SIGTERM', () => { stopOnce('SIGTERM') })
    process.on('SIGINT', () => { stopOnce('SIGINT') })
    // It drains the same way when its main process goes away.
    stopWithMainProcess(stopOnce)
  }
  return app
}
