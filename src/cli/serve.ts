// `tollgate serve [--demo]`: the production start, and with --demo the quick start of `npm start`.
// With TOLLGATE_WORKERS > 1 this process migrates the store (and applies the demo) once, then forks
// the workers (src/cluster.ts), each of which runs this command again as a worker.
import cluster from 'node:cluster'
import { checkListen, reportStartFailure, startWorkers, WorkerStartFailed, workerShareOf } from '../cluster.js'
import { ConfigError, loadConfig, type Config } from '../config.js'
import { answerMainProcess, workersMetrics } from '../metrics.js'
import { openMetricsListener } from '../metrics-listener.js'
import { applyDocument } from '../provisioning/apply.js'
import { demoDocumentFor, demoLoginCommand } from '../provisioning/demo.js'
import { createArgon2Hasher } from '../security/password-hasher.js'
import { startServer } from '../server.js'
import { describeStartupError } from '../startup-errors.js'
import { hostOf, openStore } from '../store/open.js'
import { keyOverlapSeconds } from '../tokens/key-rotation.js'
import { CliFailure, out } from './common.js'

/** Opens (so migrates) the store, and applies the demo into its own tenant when asked; says what it did. */
async function prepareStore (config: Config, demo: boolean) {
  const store = await openStore(config)
  try {
    if (!demo) return
    const { document, notes } = await demoDocumentFor(store)
    await applyDocument(store, createArgon2Hasher(config.argon2), document, { keyOverlapSeconds: keyOverlapSeconds(config) })
    out(`Demo data applied into tenant demo only; no other tenant was changed${notes.length > 0 ? ` (${notes.join('; ')})` : ''}.`)
    out('Not for production: the demo user\'s password is public. Start production with `tollgate serve`.')
  } finally {
    await store.close()
  }
}

export async function serve (options: { demo?: boolean }) {
  const config = loadConfig()
  try {
    // A worker of several: the main process has migrated the store and applied the demo data.
    if (cluster.isWorker) {
      if (config.metrics.port > 0) answerMainProcess()
      try {
        await startServer(workerShareOf(config))
      } catch (err) {
        reportStartFailure(describeStartupError(err, config) ?? (err as Error)?.stack ?? String(err))
      }
      return
    }
    await prepareStore(config, options.demo === true)
    const scheme = config.tls ? 'https' : 'http'
    let port: number
    if (config.workers > 1) {
      if (config.port !== 0) await checkListen(config.host, config.port)
      // This process serves the workers' metrics, summed; it listens before any worker starts.
      const metrics = config.metrics.port > 0
        ? await openMetricsListener(config.metrics.host, config.metrics.port, workersMetrics(), (err) => { process.stderr.write(`metrics failed: ${err.message}\n`) })
        : undefined
      port = await startWorkers(config, out)
      if (metrics) out(`Prometheus metrics on http://${metrics.address}/metrics (every worker's, summed)`)
    } else {
      const app = await startServer(config)
      port = (app.server.address() as { port: number }).port
      if (app.metricsAddress) out(`Prometheus metrics on http://${app.metricsAddress}/metrics`)
    }
    const where = config.database.url ? `store: PostgreSQL at ${hostOf(config.database.url)}` : `data in ${config.dataDir}`
    out(`Tollgate is listening on ${scheme}://${config.host}:${port} (${where}${config.workers > 1 ? `, ${config.workers} workers` : ''})`)
    if (options.demo) out(`Log the demo user in:\n  ${demoLoginCommand(`${scheme}://localhost:${port}`)}`)
  } catch (err) {
    if (err instanceof ConfigError) throw new CliFailure(err.message)
    // The first worker to fail has said why.
    if (err instanceof WorkerStartFailed) throw new CliFailure(err.message)
    const line = describeStartupError(err, config)
    if (line) throw new CliFailure(line)
    throw err
  }
}
