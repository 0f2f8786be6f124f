#!/usr/bin/env node
// The `tollgate` command: serve, apply, schema, outbox, keys, users, ips, logs. Everything it prints
// goes through `out` and `fail`.
import cluster from 'node:cluster'
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { CommandError, keysCommand, keysUsage } from './cli-keys.js'
import { startWorkers } from './cluster.js'
import { usersMfaCommand, UsersMfaError, usersMfaUsage } from './cli-mfa.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { formatOutboxMessage } from './passwordless/outbox-format.js'
import { applyDocument, ProvisioningError } from './provisioning/apply.js'
import { demoDocument, demoLoginCommand } from './provisioning/demo.js'
import { AttackProtection } from './security/attack-protection.js'
import { createArgon2Hasher } from './security/password-hasher.js'
import { startServer } from './server.js'
import type { AuditEvent, AuditEventType, Store, Tenant } from './store/port.js'
import { RedisAttackState } from './store/redis-attack-state.js'
import { connectRedis } from './store/redis.js'
import { CopyError, copySqliteToPostgres } from './store/copy.js'
import { hostOf, openStore } from './store/open.js'
import { StoreUnavailableError } from './store/unavailable.js'
import { keyOverlapSeconds } from './tokens/key-rotation.js'
import { ProvisioningFile } from '../schemas/provisioning.js'

const out = (text: string) => { process.stdout.write(text + '\n') }
const fail = (text: string): never => {
  process.stderr.write(`tollgate: ${text}\n`)
  process.exit(1)
}

const usage = `usage: tollgate <command>

  serve [--demo]   start the server (with --demo, first apply the demo data)
  apply FILE       make the store hold what a provisioning file declares
  schema           print the provisioning file's JSON Schema
  outbox [--limit N]
                   show the latest N (default 20) passwordless messages the development
                   delivery provider kept instead of sending, oldest first
  users unblock --connection NAME [--tenant NAME] LOGIN
                   lift the brute-force blocks of an account, from every IP
${usersMfaUsage}
  ips unthrottle [--tenant NAME] IP
                   give a throttled IP its failed-login allowance back
  logs [--tenant NAME] [--type TYPE] [--limit N] [--json]
                   show the audit log, newest first (failed_login, block, unblock, throttle, unthrottle)
  migrate-store --to postgres://USER:PASSWORD@HOST:PORT/DB
                   copy the SQLite store of TOLLGATE_DATA_DIR into an empty PostgreSQL database
                   (then start every instance with TOLLGATE_DATABASE_URL set to it)

${keysUsage}

--tenant defaults to the default tenant.

Settings come from the environment: TOLLGATE_DATA_DIR, HOST, PORT, LOG_LEVEL, ... (see README).`

async function apply (file: string | undefined) {
  if (!file) return fail('apply needs a FILE')
  let input: unknown
  try {
    input = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    return fail(`cannot read ${file}: ${(err as Error).message}`)
  }
  const config = loadConfig()
  const store = await openStore(config)
  try {
    const report = await applyDocument(store, createArgon2Hasher(config.argon2), input, { keyOverlapSeconds: keyOverlapSeconds(config) })
    out(`applied ${file}: ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged`)
  } catch (err) {
    if (err instanceof ProvisioningError) fail(`${file} was not applied, nothing changed: ${err.message}`)
    throw err
  } finally {
    await store.close()
  }
}

async function outbox (args: string[]) {
  const at = args.indexOf('--limit')
  const limit = at < 0 ? 20 : Number(args[at + 1])
  if (!Number.isInteger(limit) || limit < 1) return fail('outbox --limit needs a whole number above 0')
  const config = loadConfig()
  const store = await openStore(config)
  try {
    const messages = await store.latestOutboxMessages(limit)
    if (messages.length === 0) out('The outbox is empty.')
    else out(messages.map(formatOutboxMessage).join('\n\n'))
  } finally {
    await store.close()
  }
}

async function serve (demo: boolean) {
  const config = loadConfig()
  // A worker of several: the main process has migrated the store and applied the demo data.
  if (cluster.isWorker) {
    await startServer(config)
    return
  }
  // Opening migrates: done once here, before any worker opens the store.
  const store = await openStore(config)
  try {
    if (demo) await applyDocument(store, createArgon2Hasher(config.argon2), demoDocument, { keyOverlapSeconds: keyOverlapSeconds(config) })
  } finally {
    await store.close()
  }
  const port = config.workers > 1
    ? await startWorkers(config, out)
    : ((await startServer(config)).server.address() as { port: number }).port
  const where = config.database.url ? `store: PostgreSQL at ${hostOf(config.database.url)}` : `data in ${config.dataDir}`
  out(`Tollgate is listening on ${config.tls ? 'https' : 'http'}://${config.host}:${port} (${where})`)
  if (demo) out(`Log the demo user in:\n  ${demoLoginCommand(`http://localhost:${port}`)}`)
}

/** The store, the attack-protection service on the configured state, and the tenant named (or the default). */
async function withProtection (tenantName: string | undefined,
  work: (context: { config: Config, store: Store, protection: AttackProtection, tenant: Tenant }) => Promise<void>) {
  const config = loadConfig()
  const store = await openStore(config)
  const redis = config.redisUrl ? await connectRedis(config.redisUrl).catch(async (err) => { await store.close(); throw err }) : undefined
  try {
    const tenant = tenantName ? await store.tenantByName(tenantName) : await store.defaultTenant()
    if (!tenant) return fail(tenantName ? `no tenant named ${tenantName}` : 'no default tenant: name one with --tenant')
    const state = redis ? new RedisAttackState(redis, config.redisKeyPrefix) : store
    const protection = new AttackProtection({ defaults: config.attackProtection, state, audit: store })
    await work({ config, store, protection, tenant })
  } finally {
    await redis?.quit()
    await store.close()
  }
}

async function keys (args: string[]) {
  const config = loadConfig()
  const store = await openStore(config)
  try {
    await keysCommand(args, { store, config, out })
  } catch (err) {
    if (err instanceof CommandError) fail(`${err.message}\n${usage}`)
    throw err
  } finally {
    await store.close()
  }
}

async function usersMfa (args: string[]) {
  const config = loadConfig()
  const store = await openStore(config)
  try {
    await usersMfaCommand(args, { store, out })
  } catch (err) {
    if (err instanceof UsersMfaError) fail(err.message)
    throw err
  } finally {
    await store.close()
  }
}

async function users (args: string[]) {
  if (args[0] === 'mfa') return usersMfa(args.slice(1))
  const { positionals: [action, login], values } = parseArgs({
    args, allowPositionals: true, options: { tenant: { type: 'string' }, connection: { type: 'string' } },
  })
  if (action !== 'unblock' || !login || !values.connection) return fail(`users needs: unblock --connection NAME [--tenant NAME] LOGIN\n${usage}`)
  await withProtection(values.tenant, async ({ store, protection, tenant }) => {
    const connection = await store.connectionByName(tenant.id, values.connection!)
    if (!connection) return fail(`no connection named ${values.connection} in tenant ${tenant.name}`)
    const user = await store.userByLogin(connection.id, login)
    const cleared = await protection.unblock({ tenant, connection, login, user })
    out(`unblocked ${login} (${user ? user.id : 'no such user'}) in ${tenant.name}/${connection.name}: ${cleared} failed-login counter${cleared === 1 ? '' : 's'} cleared`)
  })
}

async function ips (args: string[]) {
  const { positionals: [action, ip], values } = parseArgs({ args, allowPositionals: true, options: { tenant: { type: 'string' } } })
  if (action !== 'unthrottle' || !ip) return fail(`ips needs: unthrottle [--tenant NAME] IP\n${usage}`)
  await withProtection(values.tenant, async ({ protection, tenant }) => {
    const held = await protection.unthrottle(tenant, ip)
    out(held ? `${ip} may log in to ${tenant.name} again` : `${ip} was not throttled in ${tenant.name}`)
  })
}

const EVENT_TYPES: AuditEventType[] = ['failed_login', 'block', 'unblock', 'throttle', 'unthrottle', 'mfa_enrolment', 'mfa_success', 'mfa_failure', 'mfa_reset']

function formatEvent (e: AuditEvent): string {
  const fields = { client: e.clientId, connection: e.connection, user: e.userId, login: e.login, ip: e.ip, detail: e.detail }
  const shown = Object.entries(fields).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v}`)
  return [new Date(e.createdAt).toISOString(), e.type.padEnd(12), ...shown].join(' ')
}

async function logs (args: string[]) {
  const { values } = parseArgs({
    args, options: { tenant: { type: 'string' }, type: { type: 'string' }, limit: { type: 'string', default: '50' }, json: { type: 'boolean' } },
  })
  const type = values.type as AuditEventType | undefined
  if (type !== undefined && !EVENT_TYPES.includes(type)) return fail(`--type is one of ${EVENT_TYPES.join(', ')}`)
  const limit = Number(values.limit)
  if (!Number.isInteger(limit) || limit < 1) return fail('--limit is a positive integer')
  await withProtection(values.tenant, async ({ store, tenant }) => {
    const events = await store.events({ tenantId: tenant.id, type, limit })
    for (const e of events) out(values.json ? JSON.stringify({ ...e, tenant: tenant.name }) : formatEvent(e))
  })
}

const migrateStoreUsage = `usage: tollgate migrate-store --to postgres://USER:PASSWORD@HOST:PORT/DB

Copies every row of the SQLite store in TOLLGATE_DATA_DIR into an empty PostgreSQL database, in one
transaction, after migrating both to the latest schema. Stop the instance using the data directory first.`

async function migrateStore (args: string[]) {
  const { values } = parseArgs({ args, options: { to: { type: 'string' }, help: { type: 'boolean' } } })
  if (values.help) return out(migrateStoreUsage)
  if (!values.to || !/^postgres(ql)?:\/\/./.test(values.to)) return fail(`migrate-store needs --to postgres://...\n${migrateStoreUsage}`)
  const config = loadConfig()
  try {
    const copied = await copySqliteToPostgres(config.dataDir, values.to)
    for (const { table, rows } of copied) out(`${table.padEnd(20)} ${rows}`)
    out(`copied ${config.dataDir} into PostgreSQL at ${hostOf(values.to)}: start the instances with TOLLGATE_DATABASE_URL set to it`)
  } catch (err) {
    if (err instanceof CopyError) fail(`nothing was copied: ${err.message}`)
    throw err
  }
}

async function main (args: string[]) {
  const [command, ...rest] = args
  switch (command) {
    case 'serve': return serve(rest.includes('--demo'))
    case 'apply': return apply(rest[0])
    case 'schema': return out(JSON.stringify(ProvisioningFile, null, 2))
    case 'outbox': return outbox(rest)
    case 'keys': return keys(rest)
    case 'users': return users(rest)
    case 'ips': return ips(rest)
    case 'logs': return logs(rest)
    case 'migrate-store': return migrateStore(rest)
    case undefined: case 'help': case '--help': return out(usage)
    default: return fail(`unknown command ${command}\n${usage}`)
  }
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof ConfigError || err instanceof StoreUnavailableError) fail(err.message)
  // parseArgs' own errors (an unknown option, a missing value) are usage errors.
  if (err?.code?.startsWith?.('ERR_PARSE_ARGS')) fail(`${err.message}\n${usage}`)
  fail(err?.stack ?? String(err))
})
