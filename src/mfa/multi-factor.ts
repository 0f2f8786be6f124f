// Multi-factor authentication, as Auth0's MFA API does it: a login whose password was right but
// needs a second factor gets an mfa_token (opaque, random, stored only as a hash, bound to tenant,
// client and user, 10 minutes, useful only here); with it the app lists, enrols (associate) and
// challenges the user's authenticators, then finishes the login with an MFA grant.
//
// Every check of a code takes one attempt from the user's bucket first (Auth0's numbers: 10
// attempts, refilled one per 6 minutes), through the attack-protection state port, so the limit
// holds across instances (SQL store or Redis); a right code gives its attempt back.
import type { DeliveryProviders } from '../passwordless/delivery/index.js'
import { DeliveryError } from '../passwordless/delivery/types.js'
import { OAuthError, oauthError } from '../errors.js'
import type { Metrics, MfaOutcome } from '../metrics.js'
import type { SecretBox } from '../security/encryption.js'
import { randomToken, safeEqual, sha256Hex } from '../security/secrets.js'
import type {
  AttackStateStore, AuditEventType, AuditLog, Client, MfaAuthenticator, MfaStore, MfaTransaction, Tenant, User, UserStore,
} from '../store/port.js'
import { bindingCodeHash, newBindingCode, newRecoveryCode, newSalt, recoveryCodeHash } from './codes.js'
import { activeFactors, factorsOf, policyOf, requiresSecondFactor } from './policy.js'
import { newTotpSecret, totpStep, totpUri } from './totp.js'

/** How long an mfa_token lives (Auth0: 10 minutes, not configurable). */
export const MFA_TOKEN_LIFETIME = 600
/** How long an oob code (the SMS's binding code) stays valid. */
export const OOB_CODE_LIFETIME = 300
/** Auth0's bucket: 10 attempts, refilled one per 6 minutes. */
export const MFA_ATTEMPTS = { limit: 10, windowMs: 10 * 6 * 60 * 1000 }
/** SMS sent per user (enrolments and challenges): the same shape, against SMS pumping. */
export const MFA_SMS_SENDS = { limit: 10, windowMs: 10 * 6 * 60 * 1000 }
const MAX_TOKEN_LENGTH = 256

export interface MultiFactorDeps {
  store: MfaStore & Pick<UserStore, 'userById'>
  /** Where the attempt buckets live (the store, or Redis). */
  state: AttackStateStore
  audit: AuditLog
  /** Seals TOTP secrets; undefined when TOLLGATE_ENCRYPTION_KEY is not set. */
  box: SecretBox | undefined
  delivery: DeliveryProviders
  /** Epoch milliseconds. */
  now?: () => number
  /** Where MFA outcomes are counted (the metrics). */
  metrics?: Pick<Metrics, 'loginOutcome' | 'mfaOutcome'>
}

/** The metric each MFA audit event counts as. */
const OUTCOME_OF: Partial<Record<AuditEventType, MfaOutcome>> = {
  mfa_enrolment: 'enrolment', mfa_success: 'success', mfa_failure: 'failure', mfa_reset: 'reset',
}

export type MintParameters = MfaTransaction['mint']

/** An authenticator as GET /mfa/authenticators shows it. */
export interface AuthenticatorView {
  id: string
  authenticator_type: string
  active: boolean
  oob_channel?: string
  name?: string
}

export interface AssociateRequest {
  authenticator_types: string[]
  oob_channels?: string[]
  phone_number?: string
}

export interface Context {
  /** The tenant's issuer URL (the TOTP URI's issuer). */
  issuer: string
  log: { info (fields: Record<string, unknown>, message: string): void }
}

/** A pending login, with its user. */
export interface PendingLogin {
  transaction: MfaTransaction
  user: User
}

export class MultiFactor {
  private readonly now: () => number

  constructor (private readonly deps: MultiFactorDeps) {
    this.now = deps.now ?? Date.now
  }

  private seconds (): number { return Math.floor(this.now() / 1000) }

  /** Whether this login must show a second factor, and whether the user has one to show. */
  async assess (tenant: Tenant, client: Client, user: User): Promise<{ required: boolean, enrolled: boolean }> {
    const policy = policyOf(tenant, client)
    if (policy === 'never') return { required: false, enrolled: false }
    const authenticators = await this.deps.store.authenticatorsOfUser(tenant.id, user.id)
    return { required: requiresSecondFactor(policy, authenticators), enrolled: activeFactors(authenticators).length > 0 }
  }

  /** Called once the password was right: throws 403 mfa_required with a fresh mfa_token when a second factor is due. */
  async requireAfterPassword (request: { tenant: Tenant, client: Client, user: User, mint: MintParameters }): Promise<void> {
    const { required } = await this.assess(request.tenant, request.client, request.user)
    if (!required) return
    const token = await this.startLogin(request)
    this.deps.metrics?.loginOutcome('mfa_required')
    throw oauthError('mfa_required', {}, { fields: { mfa_token: token } })
  }

  /**
   * /oauth/ro's legacy MFA, as Auth0's mobile SDKs expect it: the TOTP code comes with the password
   * (`mfa_code`). Without an active TOTP authenticator: a0.mfa_registration_required; without a
   * code: a0.mfa_required; a wrong code: a0.mfa_invalid_code. The same attempt bucket applies.
   */
  async requireLegacyCode ({ tenant, client, user, code }: { tenant: Tenant, client: Client, user: User, code: string | undefined }): Promise<void> {
    const { required } = await this.assess(tenant, client, user)
    if (!required) return
    const authenticators = await this.deps.store.authenticatorsOfUser(tenant.id, user.id)
    if (!authenticators.some((a) => a.type === 'otp' && a.active)) throw oauthError('ro_mfa_registration_required')
    if (code === undefined) {
      this.deps.metrics?.loginOutcome('mfa_required')
      throw oauthError('ro_mfa_required')
    }
    const login: PendingLogin = {
      transaction: { tokenHash: '', tenantId: tenant.id, clientId: client.clientId, userId: user.id, mint: { scopes: [] }, expiresAt: 0 },
      user,
    }
    try {
      await this.verifyOtp(tenant, login, code)
    } catch (err) {
      if (err instanceof OAuthError && err.key === 'mfa_invalid_otp') throw oauthError('ro_mfa_invalid_code')
      throw err
    }
  }

  /** A pending login: its mfa_token, stored only as a hash. */
  async startLogin ({ tenant, client, user, mint }: { tenant: Tenant, client: Client, user: User, mint: MintParameters }): Promise<string> {
    const token = randomToken(32)
    const now = this.seconds()
    await this.deps.store.insertMfaTransaction({
      tokenHash: sha256Hex(token), tenantId: tenant.id, clientId: client.clientId, userId: user.id, mint, expiresAt: now + MFA_TOKEN_LIFETIME,
    }, now)
    return token
  }

  /**
   * The pending login an mfa_token names, in this tenant (and for this client, when one is given).
   * The grants answer Auth0's invalid_grant / expired_token; the MFA API, as a Bearer API, 401.
   */
  async pendingLogin (tenant: Tenant, token: string, use: { client?: Client, api?: boolean }): Promise<PendingLogin> {
    const invalid = () => oauthError(use.api ? 'mfa_bearer_invalid' : 'mfa_token_invalid')
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw invalid()
    const transaction = await this.deps.store.mfaTransaction(sha256Hex(token))
    if (!transaction || transaction.tenantId !== tenant.id) throw invalid()
    if (use.client && transaction.clientId !== use.client.clientId) throw invalid()
    if (transaction.expiresAt <= this.seconds()) throw oauthError(use.api ? 'mfa_bearer_invalid' : 'mfa_token_expired')
    const user = await this.deps.store.userById(tenant.id, transaction.userId)
    if (!user) throw invalid()
    if (user.blocked) throw oauthError('user_blocked')
    return { transaction, user }
  }

  /** The login is done: its mfa_token is spent. False when a parallel request finished it first. */
  async finish (login: PendingLogin): Promise<boolean> {
    return this.deps.store.consumeMfaTransaction(login.transaction.tokenHash)
  }

  async list (tenantId: string, userId: string): Promise<AuthenticatorView[]> {
    const authenticators = await this.deps.store.authenticatorsOfUser(tenantId, userId)
    return authenticators.map(view)
  }

  /** POST /mfa/associate: a new authenticator, inactive until its first code is verified. */
  async associate (tenant: Tenant, login: PendingLogin, request: AssociateRequest, context: Context): Promise<Record<string, unknown>> {
    const [type] = request.authenticator_types
    if (request.authenticator_types.length !== 1 || (type !== 'otp' && type !== 'oob')) throw oauthError('mfa_unsupported_authenticator_type')
    if (type === 'oob' && (request.oob_channels?.length !== 1 || request.oob_channels[0] !== 'sms')) throw oauthError('mfa_unsupported_authenticator_type')
    const factor = type === 'otp' ? 'otp' : 'sms'
    if (!factorsOf(tenant).includes(factor)) throw oauthError('mfa_factor_disabled', { factor })
    if (factor === 'sms' && !/^\+[0-9]{1,15}$/.test(request.phone_number ?? '')) throw oauthError('mfa_invalid_phone_number')

    const { user } = login
    const existing = await this.deps.store.authenticatorsOfUser(tenant.id, user.id)
    if (activeFactors(existing).length > 0) throw oauthError('mfa_already_enrolled')
    // An enrolment never confirmed is replaced, with its recovery code.
    await this.deps.store.deleteAuthenticators(tenant.id, user.id, existing.filter((a) => !a.active).map((a) => a.id))

    const recoveryCode = newRecoveryCode()
    const createdAt = this.seconds()
    const base = { tenantId: tenant.id, userId: user.id, active: false, lastStep: 0, createdAt, oobChannel: null, phoneNumber: null }
    const insertRecovery = () => this.deps.store.insertAuthenticator({
      ...base, id: `recovery-code|dev_${randomToken(12)}`, type: 'recovery-code', secret: recoveryCodeHash(recoveryCode),
    })

    if (factor === 'otp') {
      const secret = newTotpSecret()
      await this.deps.store.insertAuthenticator({ ...base, id: `totp|dev_${randomToken(12)}`, type: 'otp', secret: this.sealer().seal(secret) })
      await insertRecovery()
      await this.record('mfa_enrolment', tenant, login, 'otp pending')
      const label = user.email ?? user.username ?? user.phoneNumber ?? user.id
      return { authenticator_type: 'otp', secret, barcode_uri: totpUri(secret, tenant.name, label), recovery_codes: [recoveryCode] }
    }

    const authenticator: MfaAuthenticator = {
      ...base, id: `sms|dev_${randomToken(12)}`, type: 'oob', oobChannel: 'sms', phoneNumber: request.phone_number!, secret: null,
    }
    await this.deps.store.insertAuthenticator(authenticator)
    const oobCode = await this.sendBindingCode(tenant, login, authenticator, context)
    await insertRecovery()
    await this.record('mfa_enrolment', tenant, login, 'sms pending')
    return { authenticator_type: 'oob', oob_channel: 'sms', oob_code: oobCode, binding_method: 'prompt', recovery_codes: [recoveryCode] }
  }

  /** POST /mfa/challenge: otp needs nothing sent; oob (sms) sends a code and answers its oob_code. */
  async challenge (tenant: Tenant, login: PendingLogin, request: { challengeTypes: string[], authenticatorId?: string }, context: Context) {
    const authenticators = activeFactors(await this.deps.store.authenticatorsOfUser(tenant.id, login.user.id))
    if (request.authenticatorId !== undefined && !authenticators.some((a) => a.id === request.authenticatorId)) {
      throw oauthError('mfa_unsupported_challenge_type', { type: request.challengeTypes.join(' or ') })
    }
    for (const type of request.challengeTypes) {
      const candidate = authenticators.find((a) => a.type === type && (request.authenticatorId === undefined || a.id === request.authenticatorId))
      if (!candidate) continue
      if (type === 'otp') return { challenge_type: 'otp' }
      const oobCode = await this.sendBindingCode(tenant, login, candidate, context)
      return { challenge_type: 'oob', oob_code: oobCode, binding_method: 'prompt' }
    }
    throw oauthError('mfa_unsupported_challenge_type', { type: request.challengeTypes.join(' or ') })
  }

  /** The mfa-otp grant: a TOTP code of the user's authenticator (its first code activates it). */
  async verifyOtp (tenant: Tenant, login: PendingLogin, code: string): Promise<void> {
    const otps = (await this.deps.store.authenticatorsOfUser(tenant.id, login.user.id)).filter((a) => a.type === 'otp')
    const authenticator = otps.find((a) => a.active) ?? otps[0]
    if (!authenticator) throw oauthError('mfa_not_enrolled', { factor: 'otp' })
    const sealed = authenticator.secret!
    const secret = this.sealer().open(sealed)
    await this.attempt(tenant, login, 'otp', 'mfa_invalid_otp', async () => {
      const step = await totpStep(secret, code, this.seconds(), authenticator.lastStep)
      // The step is recorded atomically: of two requests with the same code, one wins.
      return step !== undefined && await this.deps.store.acceptTotpStep(authenticator.id, step)
    })
    // After a key rotation, a secret sealed with a previous key is sealed anew with the current one.
    if (this.sealer().isStale(sealed)) await this.deps.store.replaceSecret(authenticator.id, sealed, this.sealer().seal(secret))
    await this.confirm(tenant, login, authenticator)
  }

  /** The mfa-oob grant: the oob_code of a challenge and the code the user received (binding_code). */
  async verifyOob (tenant: Tenant, login: PendingLogin, oobCode: string, bindingCode: string): Promise<void> {
    const challenge = oobCode.length <= MAX_TOKEN_LENGTH ? await this.deps.store.oobCode(sha256Hex(oobCode)) : undefined
    if (!challenge || challenge.tenantId !== tenant.id || challenge.userId !== login.user.id || challenge.expiresAt <= this.seconds()) {
      throw oauthError('mfa_invalid_oob_code')
    }
    const authenticator = (await this.deps.store.authenticatorsOfUser(tenant.id, login.user.id)).find((a) => a.id === challenge.authenticatorId)
    if (!authenticator) throw oauthError('mfa_invalid_oob_code')
    await this.attempt(tenant, login, 'oob', 'mfa_invalid_binding_code', async () =>
      safeEqual(bindingCodeHash(challenge.bindingSalt, bindingCode), challenge.bindingHash) && await this.deps.store.consumeOobCode(challenge.codeHash))
    await this.confirm(tenant, login, authenticator)
  }

  /** The mfa-recovery-code grant: the code is spent and a new one returned. */
  async verifyRecoveryCode (tenant: Tenant, login: PendingLogin, code: string): Promise<string> {
    const recovery = (await this.deps.store.authenticatorsOfUser(tenant.id, login.user.id)).find((a) => a.type === 'recovery-code')
    if (!recovery) throw oauthError('mfa_not_enrolled', { factor: 'recovery-code' })
    if (!recovery.active) throw oauthError('mfa_authenticator_not_active')
    const next = newRecoveryCode()
    await this.attempt(tenant, login, 'recovery-code', 'mfa_invalid_recovery_code', async () => {
      const presented = recoveryCodeHash(code)
      return safeEqual(presented, recovery.secret!) && await this.deps.store.replaceSecret(recovery.id, recovery.secret!, recoveryCodeHash(next))
    })
    await this.record('mfa_success', tenant, login, 'recovery-code')
    return next
  }

  /** Every authenticator of a user is removed (an administrator's reset); returns how many. */
  async reset (tenant: Tenant, user: User): Promise<number> {
    const removed = await this.deps.store.deleteAuthenticators(tenant.id, user.id)
    await this.deps.audit.recordEvent({
      type: 'mfa_reset', tenantId: tenant.id, clientId: null, connection: null, userId: user.id, login: null, ip: null, detail: 'admin', createdAt: this.now(),
    })
    this.deps.metrics?.mfaOutcome('reset')
    return removed
  }

  /** Deletes one authenticator of a user (DELETE /mfa/authenticators/{id}); false if there is none. */
  async remove (tenant: Tenant, userId: string, id: string): Promise<boolean> {
    return (await this.deps.store.deleteAuthenticators(tenant.id, userId, [id])) === 1
  }

  private sealer (): SecretBox {
    if (!this.deps.box) throw new Error('TOLLGATE_ENCRYPTION_KEY is not set: TOTP secrets cannot be sealed or opened')
    return this.deps.box
  }

  /** Takes one attempt from the user's bucket, checks, and gives it back if the code was right. */
  private async attempt (tenant: Tenant, login: PendingLogin, factor: string, wrong: 'mfa_invalid_otp' | 'mfa_invalid_binding_code' | 'mfa_invalid_recovery_code',
    check: () => Promise<boolean>): Promise<void> {
    const key = `mfa:${login.user.id}`
    const allowance = await this.deps.state.takeIpAllowance(tenant.id, key, MFA_ATTEMPTS, this.now())
    if (!allowance.allowed) {
      await this.record('mfa_failure', tenant, login, `${factor} too_many_attempts`)
      throw oauthError('mfa_too_many_attempts', {}, { headers: { 'retry-after': String(Math.max(1, Math.ceil(allowance.retryAfterMs / 1000))) } })
    }
    let right: boolean
    try {
      right = await check()
    } catch (err) {
      await this.deps.state.returnIpAllowance(tenant.id, key, MFA_ATTEMPTS, this.now())
      throw err
    }
    if (!right) {
      await this.record('mfa_failure', tenant, login, `${factor} wrong_code`)
      throw oauthError(wrong)
    }
    await this.deps.state.returnIpAllowance(tenant.id, key, MFA_ATTEMPTS, this.now())
  }

  /** A right code: an authenticator still pending becomes active (and the recovery code with it). */
  private async confirm (tenant: Tenant, login: PendingLogin, authenticator: MfaAuthenticator): Promise<void> {
    if (!authenticator.active) {
      await this.deps.store.activateAuthenticator(tenant.id, login.user.id, authenticator.id)
      await this.record('mfa_enrolment', tenant, login, `${authenticator.oobChannel ?? authenticator.type} confirmed`)
    }
    await this.record('mfa_success', tenant, login, authenticator.oobChannel ?? authenticator.type)
  }

  private async sendBindingCode (tenant: Tenant, login: PendingLogin, authenticator: MfaAuthenticator, context: Context): Promise<string> {
    const sends = await this.deps.state.takeIpAllowance(tenant.id, `mfa-sms:${login.user.id}`, MFA_SMS_SENDS, this.now())
    if (!sends.allowed) {
      await this.record('mfa_failure', tenant, login, 'sms too_many_sends')
      throw oauthError('mfa_too_many_sms', {}, { headers: { 'retry-after': String(Math.max(1, Math.ceil(sends.retryAfterMs / 1000))) } })
    }
    const oobCode = randomToken(32)
    const bindingCode = newBindingCode()
    const salt = newSalt()
    const minutes = Math.ceil(OOB_CODE_LIFETIME / 60)
    try {
      await this.deps.delivery.forOptions(tenant.mfa?.smsDelivery).deliver({
        channel: 'sms', to: authenticator.phoneNumber!, subject: null,
        text: `Your verification code is: ${bindingCode}. It expires in ${minutes} minutes.`,
        code: bindingCode, link: null, send: 'code', language: null, tenant: tenant.name, connection: 'mfa-sms', clientId: login.transaction.clientId,
      }, { tenantId: tenant.id, log: context.log })
    } catch (err) {
      if (err instanceof DeliveryError) throw oauthError('sms_provider_error', { message: err.message, code: err.code }, { cause: err })
      throw err
    }
    await this.deps.store.insertOobCode({
      codeHash: sha256Hex(oobCode), tenantId: tenant.id, userId: login.user.id, authenticatorId: authenticator.id,
      bindingSalt: salt, bindingHash: bindingCodeHash(salt, bindingCode), expiresAt: this.seconds() + OOB_CODE_LIFETIME,
    })
    return oobCode
  }

  private async record (type: AuditEventType, tenant: Tenant, login: PendingLogin, detail: string): Promise<void> {
    const outcome = OUTCOME_OF[type]
    if (outcome) this.deps.metrics?.mfaOutcome(outcome)
    await this.deps.audit.recordEvent({
      type, tenantId: tenant.id, clientId: login.transaction.clientId, connection: null, userId: login.user.id, login: null, ip: null, detail, createdAt: this.now(),
    })
  }
}

function view (a: MfaAuthenticator): AuthenticatorView {
  const shown: AuthenticatorView = { id: a.id, authenticator_type: a.type, active: a.active }
  if (a.oobChannel) {
    shown.oob_channel = a.oobChannel
    shown.name = a.phoneNumber ? 'X'.repeat(Math.max(0, a.phoneNumber.length - 4)) + a.phoneNumber.slice(-4) : undefined
  }
  return shown
}
