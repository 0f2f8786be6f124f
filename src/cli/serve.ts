// `tollgate serve [--demo]`: the production start, and with --demo the quick start of `npm start`.
import { loadConfig, type Config } from '../config.js'
import { applyDocument } from '../provisioning/apply.js'
import { demoDocumentFor, demoLoginCommand } from '../provisioning/demo.js'
import { createArgon2Hasher } from '../security/password-hasher.js'
import { startServer } from '../server.js'
import { describeStartupError } from '../startup-errors.js'
import { openSqliteStore } from '../store/sqlite.js'
import { keyOverlapSeconds } from '../tokens/key-rotation.js'
import { CliFailure, out } from './common.js'

/** Applies the demo into its own tenant; says what it did and what it left alone. */
async function applyDemo (config: Config) {
  const store = await openSqliteStore(config.dataDir)
  try {
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
    if (options.demo) await applyDemo(config)
    const app = await startServer(config)
    const { port } = app.server.address() as { port: number }
    const scheme = config.tls ? 'https' : 'http'
    out(`Tollgate is listening on ${scheme}://${config.host}:${port} (data in ${config.dataDir})`)
    if (app.metricsAddress) out(`Prometheus metrics on http://${app.metricsAddress}/metrics`)
    if (options.demo) out(`Log the demo user in:\n  ${demoLoginCommand(`${scheme}://localhost:${port}`)}`)
  } catch (err) {
    const line = describeStartupError(err, config)
    if (line) throw new CliFailure(line)
    throw err
  }
}
