// `tollgate doctor`: checks a configuration the way a start would use it, without starting, and
// says in one line per check what is fine and what is wrong. Exit 1 when anything is wrong.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { ConfigError, loadConfig, type Config } from '../config.js'
import { openBreachedPasswords } from '../security/breached-passwords.js'
import { connectRedis } from '../store/redis.js'
import { openStore } from '../store/open.js'
import { describeStartupError } from '../startup-errors.js'
import { out } from './common.js'

type Check = () => Promise<string>

const portFree = (host: string, port: number) => new Promise<void>((resolve, reject) => {
  const server = createServer()
  server.once('error', reject)
  server.listen({ host, port }, () => server.close(() => resolve()))
})

function checks (config: Config): Array<[string, Check]> {
  const list: Array<[string, Check]> = [
    ['data directory', async () => {
      if (!existsSync(config.dataDir)) return `${config.dataDir} does not exist yet (tollgate serve and apply create it)`
      accessSync(config.dataDir, constants.W_OK)
      const store = await openStore(config)
      try {
        const tenants = await store.allTenants()
        if (tenants.length === 0) throw new Error(`no tenant in ${config.dataDir}: provision one with tollgate apply FILE`)
        for (const t of tenants) {
          if ((await store.signingKeys(t.id)).length === 0) throw new Error(`tenant ${t.name} has no signing key: apply its provisioning file again`)
        }
        return `${config.dataDir}: ${tenants.length} tenant${tenants.length === 1 ? '' : 's'} (${tenants.map((t) => t.name).join(', ')}), each with a signing key`
      } finally {
        await store.close()
      }
    }],
    ['listen', async () => {
      if (config.port === 0) return 'PORT=0: any free port'
      try {
        await portFree(config.host, config.port)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new Error(`cannot listen on ${config.host}:${config.port} (HOST, PORT): the port is in use (is Tollgate already running?)`)
        }
        throw err
      }
      return `${config.host}:${config.port} is free`
    }],
  ]
  if (config.metrics.port !== 0) {
    list.push(['metrics listener', async () => {
      try {
        await portFree(config.metrics.host, config.metrics.port)
      } catch (err) {
        throw new Error(`TOLLGATE_METRICS_PORT: cannot listen on ${config.metrics.host}:${config.metrics.port}: ${(err as NodeJS.ErrnoException).code}`)
      }
      return `${config.metrics.host}:${config.metrics.port} is free`
    }])
  }
  if (config.redisUrl) {
    list.push(['redis', async () => {
      const redis = await connectRedis(config.redisUrl)
      try {
        await redis.ping()
      } finally {
        redis.disconnect()
      }
      return `${new URL(config.redisUrl).host} answers`
    }])
  }
  const file = config.attackProtection.breachedPasswords.file
  if (file) list.push(['breached passwords', async () => { openBreachedPasswords(file).close(); return `${file} is readable` }])
  if (config.tls) {
    const tls = config.tls
    list.push(['tls', async () => {
      readFileSync(tls.certFile)
      readFileSync(tls.keyFile)
      return `${tls.certFile} and ${tls.keyFile} are readable`
    }])
  }
  return list
}

export async function doctor () {
  let config: Config
  try {
    config = loadConfig()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    out(`FAIL settings: ${err.message}`)
    process.exitCode = 1
    return
  }
  out('ok   settings: every TOLLGATE_* variable set is valid')
  let failed = false
  for (const [name, check] of checks(config)) {
    try {
      out(`ok   ${name}: ${await check()}`)
    } catch (err) {
      failed = true
      out(`FAIL ${name}: ${describeStartupError(err, config) ?? (err as Error).message}`)
    }
  }
  if (failed) process.exitCode = 1
}
