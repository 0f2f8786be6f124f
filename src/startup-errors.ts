// Failures an operator causes at start (a port in use, a directory Tollgate cannot write, an
// unreachable Redis, a missing file) as one line naming the setting and its value, never a stack.
import type { Config } from './config.js'
import { BreachedPasswordsFileError } from './security/breached-passwords.js'
import { RedisConnectError } from './store/redis.js'
import { DataDirError } from './store/sqlite.js'
import { StoreUnavailableError } from './store/unavailable.js'

/** A start-up failure already phrased for the operator. */
export class StartupError extends Error {
  override name = 'StartupError'
}

/** One line for an error an operator can fix, or undefined for a bug (which keeps its stack). */
export function describeStartupError (err: unknown, config: Config): string | undefined {
  const e = err as NodeJS.ErrnoException & { syscall?: string, path?: string }
  if (err instanceof StartupError) return err.message
  if (err instanceof RedisConnectError) return `TOLLGATE_REDIS_URL: ${err.message}`
  if (err instanceof StoreUnavailableError) return `TOLLGATE_DATABASE_URL: ${err.message}`
  if (err instanceof BreachedPasswordsFileError) return `TOLLGATE_BREACHED_PASSWORDS_FILE: ${err.message}`
  if (e?.syscall === 'listen' && config.metrics.port !== 0 && (e as { port?: number }).port === config.metrics.port) {
    return `cannot listen on ${config.metrics.host}:${config.metrics.port} (TOLLGATE_METRICS_HOST, TOLLGATE_METRICS_PORT): ${e.code === 'EADDRINUSE' ? 'the port is in use' : e.message}`
  }
  // A worker of several asks the main process to listen for it: its failure names `bind`.
  if (e?.syscall === 'listen' || e?.syscall === 'bind') {
    const where = `${config.host}:${config.port}`
    if (e.code === 'EADDRINUSE') return `cannot listen on ${where} (HOST, PORT): the port is in use`
    if (e.code === 'EACCES') return `cannot listen on ${where} (HOST, PORT): permission denied`
    if (e.code === 'EADDRNOTAVAIL') return `cannot listen on ${where} (HOST, PORT): no such address on this machine`
    return `cannot listen on ${where} (HOST, PORT): ${e.message}`
  }
  if (err instanceof DataDirError) return `TOLLGATE_DATA_DIR: ${err.message}`
  if (e?.syscall === 'access' && e.path === config.dataDir) return `TOLLGATE_DATA_DIR: cannot write to the data directory ${config.dataDir}: ${e.code}`
  if (config.tls && e?.syscall === 'open' && (e.path === config.tls.certFile || e.path === config.tls.keyFile)) {
    const name = e.path === config.tls.certFile ? 'TOLLGATE_TLS_CERT_FILE' : 'TOLLGATE_TLS_KEY_FILE'
    return `${name}: cannot read ${e.path} (${e.code})`
  }
  return undefined
}
