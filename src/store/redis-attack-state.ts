// Attack-protection state in Redis (ioredis), for several Tollgate instances sharing their counters.
// Each operation is one Lua script, which Redis runs atomically. The same contract as the SQL
// store's (test/store/attack-state-contract.ts runs against both).
//
// Keys, under a prefix:
//   attempts:{tenant}:{subject}  a hash: for each IP, fields "{ip}|c" (count), "|f" (fingerprint), "|e" (expiry)
//   ip:{tenant}:{ip}             a GCRA bucket's theoretical arrival time (epoch ms)
// Expiry is decided on the times the caller passes in; Redis' own TTLs only collect what is stale.
import type { Redis } from 'ioredis'
import type { AttackStateStore, AttemptKey, IpAllowance, IpBudget } from './port.js'
import { allowance } from './ip-allowance.js'

const COUNT_ATTEMPT = `
local ip, fingerprint, now, expiresAt = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local fields = redis.call('HMGET', KEYS[1], ip .. '|c', ip .. '|f', ip .. '|e')
local count = 1
if fields[1] and fields[2] == fingerprint and tonumber(fields[3]) > now then count = tonumber(fields[1]) + 1 end
redis.call('HSET', KEYS[1], ip .. '|c', count, ip .. '|f', fingerprint, ip .. '|e', ARGV[4])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < expiresAt - now then redis.call('PEXPIRE', KEYS[1], expiresAt - now) end
return count
`

const UNCOUNT_ATTEMPT = `
local count = tonumber(redis.call('HGET', KEYS[1], ARGV[1] .. '|c') or '0')
if count > 0 then redis.call('HINCRBY', KEYS[1], ARGV[1] .. '|c', -1) end
return 0
`

const CLEAR_SUBJECT = `
local n = redis.call('HLEN', KEYS[1]) / 3
redis.call('DEL', KEYS[1])
return n
`

const TAKE_IP_ALLOWANCE = `
local now, interval, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local base = math.max(tat, now)
if base + interval - now > window then return {0, tat} end
redis.call('SET', KEYS[1], base + interval, 'PX', base + interval - now)
return {1, base + interval}
`

const RETURN_IP_ALLOWANCE = `
local now, interval = tonumber(ARGV[1]), tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat <= now then return 0 end
if tat - interval > now then
  redis.call('SET', KEYS[1], tat - interval, 'PX', tat - interval - now)
else
  redis.call('DEL', KEYS[1])
end
return 1
`

const CLEAR_IP = `
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
redis.call('DEL', KEYS[1])
if tat > tonumber(ARGV[1]) then return 1 end
return 0
`

interface Scripts {
  tgCountAttempt (key: string, ip: string, fingerprint: string, now: number, expiresAt: number): Promise<number>
  tgUncountAttempt (key: string, ip: string): Promise<number>
  tgClearSubject (key: string): Promise<number>
  tgTakeIpAllowance (key: string, now: number, interval: number, windowMs: number): Promise<[number, number]>
  tgReturnIpAllowance (key: string, now: number, interval: number): Promise<number>
  tgClearIp (key: string, now: number): Promise<number>
}

export class RedisAttackState implements AttackStateStore {
  private readonly redis: Redis & Scripts

  constructor (redis: Redis, private readonly prefix = 'tollgate:') {
    const scripts: Array<[keyof Scripts, string]> = [
      ['tgCountAttempt', COUNT_ATTEMPT], ['tgUncountAttempt', UNCOUNT_ATTEMPT], ['tgClearSubject', CLEAR_SUBJECT],
      ['tgTakeIpAllowance', TAKE_IP_ALLOWANCE], ['tgReturnIpAllowance', RETURN_IP_ALLOWANCE], ['tgClearIp', CLEAR_IP],
    ]
    for (const [name, lua] of scripts) {
      if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 1, lua })
    }
    this.redis = redis as Redis & Scripts
  }

  private attemptsKey (tenantId: string, subject: string) { return `${this.prefix}attempts:${tenantId}:${subject}` }
  private ipKey (tenantId: string, ip: string) { return `${this.prefix}ip:${tenantId}:${ip}` }

  async countAttempt (key: AttemptKey, fingerprint: string, now: number, expiresAt: number): Promise<number> {
    return Number(await this.redis.tgCountAttempt(this.attemptsKey(key.tenantId, key.subject), key.ip, fingerprint, now, expiresAt))
  }

  async uncountAttempt (key: AttemptKey): Promise<void> {
    await this.redis.tgUncountAttempt(this.attemptsKey(key.tenantId, key.subject), key.ip)
  }

  async clearAttempts (key: AttemptKey): Promise<void> {
    await this.redis.hdel(this.attemptsKey(key.tenantId, key.subject), `${key.ip}|c`, `${key.ip}|f`, `${key.ip}|e`)
  }

  async clearSubject (tenantId: string, subject: string): Promise<number> {
    return Number(await this.redis.tgClearSubject(this.attemptsKey(tenantId, subject)))
  }

  async takeIpAllowance (tenantId: string, ip: string, budget: IpBudget, now: number): Promise<IpAllowance> {
    const interval = Math.floor(budget.windowMs / budget.limit)
    const [allowed, tat] = await this.redis.tgTakeIpAllowance(this.ipKey(tenantId, ip), now, interval, budget.windowMs)
    return allowance(Number(tat), Number(allowed) === 1, interval, budget.windowMs, now)
  }

  async returnIpAllowance (tenantId: string, ip: string, budget: IpBudget, now: number): Promise<void> {
    await this.redis.tgReturnIpAllowance(this.ipKey(tenantId, ip), now, Math.floor(budget.windowMs / budget.limit))
  }

  async clearIp (tenantId: string, ip: string, now: number): Promise<boolean> {
    return Number(await this.redis.tgClearIp(this.ipKey(tenantId, ip), now)) === 1
  }
}
