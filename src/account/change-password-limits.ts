// The limits of POST /dbconnections/change_password, as Auth0 sets them: a bucket of `burst` requests
// per IP and email, refilled by one every `refillSeconds`; and the same bucket per email from any IP,
// so that no one fills a user's inbox from many addresses. The buckets live where attack-protection
// state lives (the store, or Redis), so every instance shares them.
import { oauthError } from '../errors.js'
import { ipKey } from '../security/attack-protection.js'
import type { AttackStateStore, IpAllowance } from '../store/port.js'

export interface ChangePasswordLimitSettings {
  burst: number
  refillSeconds: number
}

export class ChangePasswordLimits {
  constructor (private readonly state: AttackStateStore, private readonly settings: ChangePasswordLimitSettings,
    private readonly now: () => number = Date.now) {}

  /** Takes one request from both buckets; throws 429 rate_limited (with its headers) when either is empty. Returns the headers to send. */
  async take (tenantId: string, ip: string, email: string): Promise<Record<string, string>> {
    const now = this.now()
    const budget = { limit: this.settings.burst, windowMs: this.settings.burst * this.settings.refillSeconds * 1000 }
    const login = email.toLowerCase()
    // Keys of their own in the allowance table: they never match an IP, so IP throttling never sees them.
    const pair = await this.state.takeIpAllowance(tenantId, `change_password ${ipKey(ip)} ${login}`, budget, now)
    const single = pair.allowed ? await this.state.takeIpAllowance(tenantId, `change_password * ${login}`, budget, now) : undefined
    const refused = !pair.allowed ? pair : single && !single.allowed ? single : undefined
    const headers = this.headers(now, refused ?? (single && single.remaining < pair.remaining ? single : pair))
    if (refused) throw oauthError('rate_limited', {}, { headers: { ...headers, 'retry-after': String(Math.max(1, Math.ceil(refused.retryAfterMs / 1000))) } })
    return headers
  }

  private headers (now: number, allowance: IpAllowance): Record<string, string> {
    const { burst, refillSeconds } = this.settings
    const waitMs = allowance.allowed ? (burst - allowance.remaining) * refillSeconds * 1000 : allowance.retryAfterMs
    return {
      'x-ratelimit-limit': String(burst),
      'x-ratelimit-remaining': String(allowance.remaining),
      'x-ratelimit-reset': String(Math.ceil((now + waitMs) / 1000)),
    }
  }
}
