// `tollgate keys list|rotate|prune`: the operator's view of signing keys. It prints kids,
// algorithms and dates; private keys never leave the store.
import { Command, Option } from 'commander'
import type { Config } from '../config.js'
import type { Store, Tenant } from '../store/port.js'
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../tokens/keys.js'
import { keyOverlapSeconds, pruneSigningKeys, rotateSigningKey } from '../tokens/key-rotation.js'
import { CliFailure, oneOf, out, outJson, withStore } from './common.js'

const date = (seconds: number) => new Date(seconds * 1000).toISOString()
const nowSeconds = () => Math.floor(Date.now() / 1000)

async function tenantsOf (store: Store, name: string | undefined): Promise<Tenant[]> {
  if (name === undefined) return store.allTenants()
  const tenant = await store.tenantByName(name)
  if (!tenant) throw new CliFailure(`no tenant named ${name}`)
  return [tenant]
}

export interface KeyListing { tenant: string, kid: string, alg: string, status: string, createdAt: string, retireAfter: string | null }

export async function listKeys (store: Store, tenantName?: string): Promise<KeyListing[]> {
  const listed: KeyListing[] = []
  for (const tenant of await tenantsOf(store, tenantName)) {
    for (const key of await store.allSigningKeys(tenant.id)) {
      listed.push({
        tenant: tenant.name, kid: key.kid, alg: key.alg, status: key.status,
        createdAt: date(key.createdAt), retireAfter: key.retireAfter == null ? null : date(key.retireAfter),
      })
    }
  }
  return listed
}

/** Gives each tenant named (or every tenant) a new current key; returns one line per tenant. */
export async function rotateKeys (store: Store, config: Config, tenantName?: string, alg?: SigningAlgorithm): Promise<string[]> {
  const lines: string[] = []
  const overlap = keyOverlapSeconds(config)
  for (const tenant of await tenantsOf(store, tenantName)) {
    const { key, previous } = await store.transaction(async (tx) => {
      const previous = (await tx.signingKeys(tenant.id)).find((k) => k.status === 'current')
      const next = (alg ?? previous?.alg ?? tenant.signingAlg) as SigningAlgorithm
      return { key: await rotateSigningKey(tx, tenant, next, overlap), previous }
    })
    const old = previous ? `; ${previous.kid} stays published until ${date(nowSeconds() + overlap)}` : ''
    lines.push(`${tenant.name}: new current key ${key.kid} (${key.alg})${old}`)
  }
  return lines
}

export async function pruneKeys (store: Store, tenantName?: string): Promise<string[]> {
  const lines: string[] = []
  for (const tenant of await tenantsOf(store, tenantName)) {
    const kids = await store.transaction((tx) => pruneSigningKeys(tx, tenant))
    lines.push(`${tenant.name}: ${kids.length === 0 ? 'no expired keys' : `deleted ${kids.join(', ')}`}`)
  }
  return lines
}

/** One line of `keys list`. */
export function formatKeyListing (k: KeyListing, now = nowSeconds()): string {
  const retire = k.retireAfter === null ? undefined : Date.parse(k.retireAfter) / 1000
  const until = retire === undefined ? 'signing' : `${retire > now ? 'published until' : 'expired since'} ${k.retireAfter}`
  return `${k.tenant}  ${k.kid}  ${k.alg}  ${k.status}  created ${k.createdAt}  ${until}`
}

const tenantOption = () => new Option('--tenant <name>', 'only this tenant (default: every tenant)')

export function keysCommand (): Command {
  const keys = new Command('keys').description('list, rotate and prune signing keys')
  keys.command('list')
    .description('the signing keys: kid, alg, status, until when published')
    .addOption(tenantOption())
    .option('--json', 'print JSON')
    .action((options: { tenant?: string, json?: boolean }) => withStore(async ({ store }) => {
      const listed = await listKeys(store, options.tenant)
      if (options.json) return outJson(listed)
      for (const k of listed) out(formatKeyListing(k))
    }))
  keys.command('rotate')
    .description("a new current key; the old one stays published until the tokens it signed expire")
    .addOption(tenantOption())
    .addOption(new Option('--alg <alg>', "the new key's algorithm (default: the current key's)").argParser(oneOf(SIGNING_ALGORITHMS)))
    .action((options: { tenant?: string, alg?: SigningAlgorithm }) => withStore(async ({ store, config }) => {
      for (const line of await rotateKeys(store, config, options.tenant, options.alg)) out(line)
    }))
  keys.command('prune')
    .description('delete previous keys whose tokens have all expired')
    .addOption(tenantOption())
    .action((options: { tenant?: string }) => withStore(async ({ store }) => {
      for (const line of await pruneKeys(store, options.tenant)) out(line)
    }))
  return keys
}
