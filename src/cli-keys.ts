// `tollgate keys list|rotate|prune [--tenant NAME] [--alg ALG]`: the operator's view of signing keys.
// It prints kids, algorithms and dates; private keys never leave the store.
import { parseArgs } from 'node:util'
import type { Config } from './config.js'
import type { Store, Tenant } from './store/port.js'
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from './tokens/keys.js'
import { keyOverlapSeconds, pruneSigningKeys, rotateSigningKey } from './tokens/key-rotation.js'

export class CommandError extends Error {}

export const keysUsage = `  keys list [--tenant NAME]                 the signing keys: kid, alg, status, until when published
  keys rotate [--tenant NAME] [--alg ALG]   a new current key (ALG: ${SIGNING_ALGORITHMS.join(', ')}; default: the
                                            current key's); the old one stays published until its tokens expire
  keys prune [--tenant NAME]                delete previous keys whose tokens have all expired
  (without --tenant: every tenant)`

const date = (seconds: number) => new Date(seconds * 1000).toISOString()

async function tenantsOf (store: Store, name: string | undefined): Promise<Tenant[]> {
  if (name === undefined) return store.allTenants()
  const tenant = await store.tenantByName(name)
  if (!tenant) throw new CommandError(`no tenant ${name}`)
  return [tenant]
}

export async function keysCommand (args: string[], { store, config, out }: { store: Store, config: Config, out: (text: string) => void }): Promise<void> {
  let parsed
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { tenant: { type: 'string' }, alg: { type: 'string' } } })
  } catch (err) {
    throw new CommandError((err as Error).message)
  }
  const { positionals: [action, ...extra], values } = parsed
  if (extra.length > 0) throw new CommandError(`unexpected argument ${extra[0]}`)
  const alg = values.alg
  if (alg !== undefined && !SIGNING_ALGORITHMS.includes(alg as SigningAlgorithm)) {
    throw new CommandError(`--alg must be one of ${SIGNING_ALGORITHMS.join(', ')}`)
  }
  if (alg !== undefined && action !== 'rotate') throw new CommandError('--alg is for keys rotate')
  const now = Math.floor(Date.now() / 1000)

  switch (action) {
    case 'list':
      for (const tenant of await tenantsOf(store, values.tenant)) {
        for (const key of await store.allSigningKeys(tenant.id)) {
          const until = key.retireAfter == null ? 'signing' : `${key.retireAfter > now ? 'published until' : 'expired since'} ${date(key.retireAfter)}`
          out(`${tenant.name}  ${key.kid}  ${key.alg}  ${key.status}  created ${date(key.createdAt)}  ${until}`)
        }
      }
      return
    case 'rotate':
      for (const tenant of await tenantsOf(store, values.tenant)) {
        const { key, previous } = await store.transaction(async (tx) => {
          const previous = (await tx.signingKeys(tenant.id)).find((k) => k.status === 'current')
          const next = (alg ?? previous?.alg ?? tenant.signingAlg) as SigningAlgorithm
          return { key: await rotateSigningKey(tx, tenant, next, keyOverlapSeconds(config)), previous }
        })
        const old = previous ? `; ${previous.kid} stays published until ${date(now + keyOverlapSeconds(config))}` : ''
        out(`${tenant.name}: new current key ${key.kid} (${key.alg})${old}`)
      }
      return
    case 'prune':
      for (const tenant of await tenantsOf(store, values.tenant)) {
        const kids = await store.transaction((tx) => pruneSigningKeys(tx, tenant))
        out(`${tenant.name}: ${kids.length === 0 ? 'no expired keys' : `deleted ${kids.join(', ')}`}`)
      }
      return
    default:
      throw new CommandError(action === undefined ? 'keys needs list, rotate or prune' : `unknown keys command ${action}`)
  }
}
