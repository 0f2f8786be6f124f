// The one decision point every login passes before its secret is verified, and the bookkeeping
// after. In order: an IP that failed too often across all accounts is throttled (429
// too_many_logins); an account that failed too often from this IP (or from any, in account_lockout
// mode) is blocked (429 too_many_attempts); a password known from a breach is refused (401
// password_leaked). None of these costs a hash. A user blocked by an administrator is told so only
// after the right secret (refuseBlockedUser), so a block never reveals an account.
//
// Counting is atomic and happens before the verify: each attempt first reserves its place in the
// counters, so N parallel attempts can never get more than the threshold through. A success gives
// the reservation back and clears the account's count; an attempt that ends without a verdict (the
// user store did not answer, the server was busy) gives it back without clearing anything.
import { normalizeIP } from '@fastify/rate-limit'
import { LRUCache } from 'lru-cache'
import type { Config } from '../config.js'
import { oauthError } from '../errors.js'
import type { LoginOutcome } from '../metrics.js'
import type {
  AttackProtectionOverrides, AttackStateStore, AttemptKey, AuditEventType, AuditLog, Client, Connection, IpAllowance,
  Tenant, User,
} from '../store/port.js'
import type { BreachedPasswords } from './breached-passwords.js'
import { ipMatcher, type IpMatcher } from './ip-list.js'
import { sha256Hex } from './secrets.js'

type Defaults = Config['attackProtection']

/** The settings in force for one tenant: the deployment's, with the tenant's overrides. */
export interface AttackProtectionSettings {
  bruteForce: Defaults['bruteForce']
  suspiciousIp: Defaults['suspiciousIp']
  breachedPasswords: { enabled: boolean, minCount: number }
  allowList: string[]
}

export interface LoginAttemptInput {
  tenant: Tenant
  client?: Client
  connection: Connection
  /** The username, email or phone number the client sent. */
  login: string
  /** The local record of that login, if any. */
  user?: User
  /** The password being tried, when it is a password (not a one-time code): checked against breaches. */
  password?: string
  /** The end user's IP (see plugins/client-ip.ts). */
  ip: string
  /** The tenant's issuer as this request sees it: where a leaked-password email's reset link points. */
  issuer?: string
}

/** An attempt that passed beforeVerify: what it reserved, to settle after the verify. */
export interface LoginAttempt {
  readonly input: LoginAttemptInput
  readonly settings: AttackProtectionSettings
  /** The account's counter and this attempt's place in it. */
  readonly counter: AttemptKey | undefined
  readonly count: number
  /** The failure taken from the IP's allowance, if it is throttled at all. */
  readonly ipAllowance: IpAllowance | undefined
}

export interface AttackProtectionDeps {
  defaults: Defaults
  state: AttackStateStore
  audit: AuditLog
  /** The breached-password list of the deployment, when one is configured. */
  breached?: BreachedPasswords
  now?: () => number
  /** Told of every login outcome it sees (metrics). */
  observe?: (outcome: LoginOutcome) => void
  /** Told when a user's password was found among breached ones (it sends the reset email). */
  onPasswordLeaked?: (input: LoginAttemptInput & { user: User }) => void
}

/** The account a counter belongs to: a user, or a login that names nobody (counted all the same). */
export const subjectOf = (connection: Connection, login: string, user: User | undefined): string =>
  user ? `user:${user.id}` : `login:${connection.id}:${login.toLowerCase()}`

/** Changes when the password does: a block then no longer applies. */
const fingerprintOf = (user: User | undefined): string => user?.passwordHash ? sha256Hex(user.passwordHash).slice(0, 16) : ''

/** IPv4-mapped IPv6 counts as IPv4; IPv6 counts per /64, since one holder has all of it. */
export const ipKey = (ip: string): string => normalizeIP(ip, 64)

export class AttackProtection {
  private readonly now: () => number
  /** Matchers of the allow lists in use (configured, so few; bounded all the same). */
  private readonly allowLists = new LRUCache<string, IpMatcher>({ max: 100 })
  private readonly observe: (outcome: LoginOutcome) => void

  constructor (private readonly deps: AttackProtectionDeps) {
    this.now = deps.now ?? Date.now
    this.observe = deps.observe ?? (() => {})
  }

  settingsFor (tenant: Tenant): AttackProtectionSettings {
    const { defaults } = this.deps
    const own: AttackProtectionOverrides = tenant.attackProtection ?? {}
    return {
      bruteForce: { ...defaults.bruteForce, ...own.bruteForce },
      suspiciousIp: { ...defaults.suspiciousIp, ...own.suspiciousIp },
      breachedPasswords: {
        enabled: this.deps.breached !== undefined && (own.breachedPasswords?.enabled ?? true),
        minCount: defaults.breachedPasswords.minCount,
      },
      allowList: own.allowList ?? defaults.allowList,
    }
  }

  async beforeVerify (input: LoginAttemptInput): Promise<LoginAttempt> {
    const settings = this.settingsFor(input.tenant)
    const now = this.now()
    const ip = ipKey(input.ip)
    const exempt = this.isAllowListed(settings.allowList, input.ip)

    let ipAllowance: IpAllowance | undefined
    const { suspiciousIp, bruteForce } = settings
    if (suspiciousIp.enabled && !exempt) {
      ipAllowance = await this.deps.state.takeIpAllowance(input.tenant.id, ip, budgetOf(settings), now)
      if (!ipAllowance.allowed) {
        this.observe('too_many_logins')
        throw oauthError('ip_throttled', {}, { headers: { 'retry-after': String(Math.max(1, Math.ceil(ipAllowance.retryAfterMs / 1000))) } })
      }
    }

    let counter: AttemptKey | undefined
    let count = 0
    if (bruteForce.enabled && !exempt) {
      counter = {
        tenantId: input.tenant.id,
        subject: subjectOf(input.connection, input.login, input.user),
        ip: bruteForce.mode === 'account_lockout' ? '*' : ip,
      }
      count = await this.deps.state.countAttempt(counter, fingerprintOf(input.user), now, now + bruteForce.blockSeconds * 1000)
      // Refused attempts stay counted: they keep the block alive, and they are failures of this IP.
      if (count > bruteForce.threshold) {
        this.observe('too_many_attempts')
        throw oauthError('account_blocked')
      }
    }

    const attempt: LoginAttempt = { input, settings, counter, count, ipAllowance }
    const { breached } = this.deps
    if (input.password !== undefined && settings.breachedPasswords.enabled && breached &&
      breached.count(input.password) >= settings.breachedPasswords.minCount) {
      await this.afterFailure(attempt, 'password_leaked')
      if (input.user) this.deps.onPasswordLeaked?.({ ...input, user: input.user })
      throw oauthError('password_leaked')
    }
    return attempt
  }

  /** The secret was wrong (or refused): the reservation stays, and may complete a block or a throttle. */
  async afterFailure (attempt: LoginAttempt, detail = 'wrong_password'): Promise<void> {
    const { input, settings } = attempt
    await this.record('failed_login', input, detail)
    this.observe(detail === 'password_leaked' ? 'password_leaked' : input.user ? 'wrong_password' : 'unknown_user')
    if (attempt.counter && attempt.count === settings.bruteForce.threshold) {
      await this.record('block', input, settings.bruteForce.mode)
    }
    if (attempt.ipAllowance?.remaining === 0) await this.record('throttle', input, 'suspicious_ip')
  }

  /** The secret was right: the account's count starts over and the IP gets its failure back. */
  async afterSuccess (attempt: LoginAttempt): Promise<void> {
    this.observe('success')
    if (attempt.counter) await this.deps.state.clearAttempts(attempt.counter)
    await this.returnAllowance(attempt)
  }

  /**
   * The secret was right but the user is blocked (an administrator's block): told only now, so a
   * block is never revealed to someone without the secret. Counts for nothing either way.
   */
  async refuseBlockedUser (attempt: LoginAttempt): Promise<never> {
    await this.abandon(attempt)
    await this.record('failed_login', attempt.input, 'user_blocked')
    this.observe('blocked')
    throw oauthError('user_blocked')
  }

  /** The attempt ended without a verdict on the secret: it counts for nothing. */
  async abandon (attempt: LoginAttempt): Promise<void> {
    if (attempt.counter) await this.deps.state.uncountAttempt(attempt.counter)
    await this.returnAllowance(attempt)
  }

  /** Lifts every brute-force block of an account (an administrator's unblock); returns how many counters went. */
  async unblock (target: { tenant: Tenant, connection: Connection, login: string, user?: User }): Promise<number> {
    const { tenant, connection, login, user } = target
    let cleared = await this.deps.state.clearSubject(tenant.id, subjectOf(connection, login, undefined))
    if (user) cleared += await this.deps.state.clearSubject(tenant.id, subjectOf(connection, login, user))
    await this.record('unblock', { tenant, connection, login, user, ip: '' }, 'admin')
    return cleared
  }

  /** Whether a new password is one the tenant refuses as breached. */
  isBreached (tenant: Tenant, password: string): boolean {
    const { breached } = this.deps
    const { breachedPasswords } = this.settingsFor(tenant)
    return breachedPasswords.enabled && breached !== undefined && breached.count(password) >= breachedPasswords.minCount
  }

  /** Lifts every brute-force block of a user whose password just changed (audited by the caller). */
  async liftBlocksAfterPasswordChange (tenant: Tenant, connection: Connection, user: User): Promise<number> {
    let cleared = await this.deps.state.clearSubject(tenant.id, subjectOf(connection, '', user))
    for (const login of [user.email, user.username, user.phoneNumber]) {
      if (login) cleared += await this.deps.state.clearSubject(tenant.id, subjectOf(connection, login, undefined))
    }
    return cleared
  }

  /** Refills a throttled IP's allowance at once; returns whether it had failures to its name. */
  async unthrottle (tenant: Tenant, ip: string): Promise<boolean> {
    const held = await this.deps.state.clearIp(tenant.id, ipKey(ip), this.now())
    await this.deps.audit.recordEvent({
      type: 'unthrottle', tenantId: tenant.id, clientId: null, connection: null, userId: null, login: null, ip, detail: 'admin', createdAt: this.now(),
    })
    return held
  }

  private async returnAllowance (attempt: LoginAttempt): Promise<void> {
    if (!attempt.ipAllowance) return
    const { tenant, ip } = attempt.input
    await this.deps.state.returnIpAllowance(tenant.id, ipKey(ip), budgetOf(attempt.settings), this.now())
  }

  private isAllowListed (allowList: string[], ip: string): boolean {
    if (allowList.length === 0) return false
    const key = allowList.join(',')
    let matches = this.allowLists.get(key)
    if (!matches) {
      matches = ipMatcher(allowList)
      this.allowLists.set(key, matches)
    }
    return matches(ip)
  }

  private async record (type: AuditEventType, input: LoginAttemptInput, detail: string): Promise<void> {
    await this.deps.audit.recordEvent({
      type,
      tenantId: input.tenant.id,
      clientId: input.client?.clientId ?? null,
      connection: input.connection.name,
      userId: input.user?.id ?? null,
      login: input.login,
      ip: input.ip || null,
      detail,
      createdAt: this.now(),
    })
  }
}

const budgetOf = (settings: AttackProtectionSettings) =>
  ({ limit: settings.suspiciousIp.maxFailures, windowMs: settings.suspiciousIp.windowSeconds * 1000 })
