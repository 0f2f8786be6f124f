// What every `tollgate` command shares: one way to fail, argument parsers that explain a refusal,
// and the store of an existing data directory.
import { InvalidArgumentError } from 'commander'
import { existsSync } from 'node:fs'
import { isIP } from 'node:net'
import { loadConfig, type Config } from '../config.js'
import { AttackProtection } from '../security/attack-protection.js'
import type { Store, Tenant } from '../store/port.js'
import { RedisAttackState } from '../store/redis-attack-state.js'
import { closeRedis, connectRedis } from '../store/redis.js'
import { openStore } from '../store/open.js'
import { describeStartupError } from '../startup-errors.js'

/** A failure the operator can act on: printed as one line, exit code 1. */
export class CliFailure extends Error {}

export const out = (text: string) => { process.stdout.write(text + '\n') }
export const outJson = (value: unknown) => { out(JSON.stringify(value, null, 2)) }

export function positiveInteger (value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('it must be a whole number above 0.')
  return n
}

export function oneOf<T extends string> (allowed: readonly T[]) {
  return (value: string): T => {
    if (!allowed.includes(value as T)) throw new InvalidArgumentError(`it must be one of ${allowed.join(', ')}.`)
    return value as T
  }
}

export function ipAddress (value: string): string {
  if (isIP(value) === 0) throw new InvalidArgumentError('it is not an IPv4 or IPv6 address.')
  return value
}

/** The store of the configured data directory, which must exist: a command never creates an empty one. */
export async function openExistingStore (config: Config): Promise<Store> {
  if (!config.database.url && !existsSync(config.dataDir)) {
    throw new CliFailure(`no data directory ${config.dataDir}: set TOLLGATE_DATA_DIR to the server's (tollgate serve and apply create it)`)
  }
  try {
    return await openStore(config)
  } catch (err) {
    throw new CliFailure(describeStartupError(err, config) ?? (err as Error).message)
  }
}

export async function withStore<T> (work: (context: { config: Config, store: Store }) => Promise<T>): Promise<T> {
  const config = loadConfig()
  const store = await openExistingStore(config)
  try {
    return await work({ config, store })
  } finally {
    await store.close()
  }
}

export async function tenantNamed (store: Store, name: string | undefined): Promise<Tenant> {
  const tenant = name ? await store.tenantByName(name) : await store.defaultTenant()
  if (!tenant) throw new CliFailure(name ? `no tenant named ${name}` : 'no default tenant: name one with --tenant')
  return tenant
}

/** The store, attack protection on the configured state (the store, or Redis), and the tenant named (or the default). */
export async function withProtection<T> (tenantName: string | undefined,
  work: (context: { config: Config, store: Store, protection: AttackProtection, tenant: Tenant }) => Promise<T>): Promise<T> {
  return withStore(async ({ config, store }) => {
    const tenant = await tenantNamed(store, tenantName)
    let redis
    try {
      redis = config.redisUrl ? await connectRedis(config.redisUrl) : undefined
    } catch (err) {
      throw new CliFailure(describeStartupError(err, config) ?? (err as Error).message)
    }
    try {
      const state = redis ? new RedisAttackState(redis, config.redisKeyPrefix) : store
      const protection = new AttackProtection({ defaults: config.attackProtection, state, audit: store })
      return await work({ config, store, protection, tenant })
    } finally {
      if (redis) await closeRedis(redis)
    }
  })
}
