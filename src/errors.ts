// The error catalog: every failure Tollgate documents, by a stable key.
// Code throws by key (`throw oauthError('missing_username')`); the error handler plugin is the only
// place that turns an OAuthError into a response. Descriptions are public and fixed (a template
// quotes an input only through `echo`, a bounded prefix); detail that helps an operator goes to the
// log (`cause`), never to the client.

interface CatalogEntry {
  status: number
  error: string
  /** A fixed text, or a template filled from the params given at the throw site. */
  description: string | ((params: Record<string, string>) => string)
}

/** Longest part of a request echoed in a description; the rest is cut and marked with an ellipsis. */
export const ECHO_LIMIT = 100

/** A bounded prefix of an input, for a description that names what was wrong. */
export function echo (value: string): string {
  if (value.length <= ECHO_LIMIT) return value
  // Not cutting a surrogate pair in two.
  const end = /[\uD800-\uDBFF]/.test(value[ECHO_LIMIT - 1]) ? ECHO_LIMIT - 1 : ECHO_LIMIT
  return `${value.slice(0, end)}…`
}

const entry = (status: number, error: string, description: CatalogEntry['description']): CatalogEntry =>
  ({ status, error, description })

export const catalog = {
  // Request shape (seed 003, "All grant types" and the password grant).
  // "missing client_id parameter", "missing username parameter", ... one entry for every field.
  missing_parameter: entry(400, 'invalid_request', (p) => `missing ${echo(p.name)} parameter`),
  // "scope parameter must be a string", and the same for every other field.
  parameter_not_string: entry(400, 'invalid_request', (p) => `${echo(p.name)} parameter must be a string`),
  body_not_object: entry(400, 'invalid_request', 'The request body must be a JSON object.'),
  unsupported_grant_type: entry(400, 'unsupported_grant_type', (p) => `Unsupported grant type: ${echo(p.grant_type)}`),

  // Connections.
  strategy_not_supported: entry(400, 'invalid_request', 'specified strategy does not support requested operation'),
  connection_not_found: entry(400, 'invalid_request', 'the connection was not found'),
  connection_disabled: entry(400, 'invalid_request', 'the connection was disabled'),
  connection_not_configured: entry(400, 'invalid_request',
    'The connection is not yet configured: it has no login URL for its user store.'),
  connection_not_found_for_tenant: entry(400, 'invalid_request',
    (p) => `the connection was not found for tenant ${p.tenant}`),
  dotted_fields: entry(400, 'invalid_request',
    (p) => `Fields with "." are not allowed, please remove all dotted fields. Example: ${echo(p.field)}`),
  connection_unavailable: entry(503, 'temporarily_unavailable',
    'The connection\'s user store did not answer. Try again later.'),
  // The user store's profile names an email, username or phone number another user of the connection has.
  user_store_profile_conflict: entry(409, 'user_exists',
    'The user store returned a profile whose email, username or phone number belongs to another user of this connection.'),

  // Credentials and users.
  invalid_user_password: entry(401, 'invalid_user_password', 'Wrong email or password.'),
  // The same failure on /oauth/token, as Auth0 answers it there.
  wrong_credentials_grant: entry(403, 'invalid_grant', 'Wrong email or password.'),
  no_default_connection: entry(400, 'invalid_request', 'Authorization server not configured with default connection.'),
  user_blocked: entry(401, 'unauthorized', 'user is blocked'),
  email_not_verified: entry(403, 'access_denied', 'Please verify your email before logging in.'),

  // Clients.
  invalid_client: entry(403, 'unauthorized_client', 'invalid client'),
  grant_not_allowed: entry(403, 'unauthorized_client', (p) => `Grant type '${echo(p.grant_type)}' not allowed for the client.`),

  // Client authentication at the token endpoint (RFC 6749 section 5.2).
  invalid_client_credentials: entry(401, 'invalid_client', 'Client authentication failed.'),
  multiple_client_auth_methods: entry(400, 'invalid_request', 'Use only one client authentication method.'),

  // JWT-bearer grants. /oauth/ro id_token exchange (seed 003: 400 invalid_grant for an invalid
  // id_token or user): one fixed description, the reason goes to the log only.
  invalid_id_token: entry(400, 'invalid_grant', 'The id_token is invalid or has expired.'),
  // RFC 7523 assertions a client signs (the grant, section 2.1: invalid_grant is 400; client
  // authentication, section 2.2: 401 invalid_client). The reason is one of the fixed texts of
  // src/tokens/verify-jwt.ts and src/clients/assertions.ts (lifetime, audience, signature, expiry,
  // replay...), so that a client's developer can fix the assertion; never the token or a key.
  invalid_assertion: entry(400, 'invalid_grant', (p) => `The assertion was refused: ${p.reason}.`),
  client_assertion_rejected: entry(401, 'invalid_client', (p) => `Client authentication failed: ${p.reason}.`),
  // Both: the user the token names is gone or blocked.
  jwt_bearer_user_refused: entry(400, 'invalid_grant', 'The user does not exist or is blocked.'),
  // APIs (resource servers) and scopes on /oauth/token, with Auth0's bodies.
  missing_audience: entry(403, 'access_denied', 'No audience parameter was provided, and no default audience has been configured'),
  unknown_audience: entry(403, 'access_denied', (p) => `Service not found: ${echo(p.audience)}`),
  client_not_authorized_for_api: entry(403, 'access_denied',
    (p) => `Client is not authorized to access "${echo(p.audience)}". You need to create a "client-grant" associated to this API.`),
  scope_not_granted: entry(403, 'access_denied', (p) => `Client has not been granted scopes: ${echo(p.scopes)}`),
  scope_not_allowed: entry(400, 'invalid_scope', (p) => `The API "${echo(p.audience)}" does not define the scopes: ${echo(p.scopes)}`),
  refresh_scope_exceeds: entry(400, 'invalid_scope', 'The requested scope exceeds the scope granted by the refresh token.'),

  // Refresh tokens: unknown, expired, revoked, reused, of another client or device, or of a user that is gone.
  invalid_refresh_token: entry(403, 'invalid_grant', 'Unknown or invalid refresh token.'),

  // Bearer access tokens (GET /userinfo); the same text goes into WWW-Authenticate.
  access_token_missing: entry(401, 'invalid_token', 'The request has no Bearer access token.'),
  access_token_invalid: entry(401, 'invalid_token', 'The access token is invalid.'),
  access_token_expired: entry(401, 'invalid_token', 'The access token expired.'),
  access_token_user_unavailable: entry(401, 'invalid_token', 'The user of this access token is blocked or no longer exists.'),

  // POST /dbconnections/signup.
  user_exists: entry(409, 'user_exists', 'The user already exists.'),
  invalid_password: entry(400, 'invalid_password', (p) => `Password is too weak. ${p.rules}`),
  invalid_email: entry(400, 'invalid_request', 'email parameter is not a valid email address'),
  invalid_username: entry(400, 'invalid_request', 'username parameter must be 1 to 128 characters, without "@" or whitespace'),
  invalid_user_metadata: entry(400, 'invalid_request',
    'user_metadata must be an object of at most 10 properties whose values are strings of at most 500 characters'),
  parameter_too_long: entry(400, 'invalid_request', (p) => `${echo(p.name)} parameter is too long`),
  parameter_not_object: entry(400, 'invalid_request', (p) => `${echo(p.name)} parameter must be an object`),
  parameter_not_array: entry(400, 'invalid_request', (p) => `${echo(p.name)} parameter must be an array of strings`),

  // Account recovery: the reset page (/lo/reset) and email verification (/lo/verify_email). Seed 004's
  // answer to a link that expired, was used, was replaced by a newer one, or never existed.
  link_expired: entry(406, 'PASSWORD_RESET_HASH_EXPIRED', 'This link has expired or has already been used.'),
  passwords_do_not_match: entry(400, 'invalid_request', 'The two passwords do not match.'),
  new_password_breached: entry(400, 'invalid_password',
    'This password was previously disclosed through a data breach (not in this application). Please choose another one.'),

  // CORS: browsers may call only from the web origins a client lists.
  origin_not_allowed: entry(403, 'access_denied', (p) => `Origin ${echo(p.origin)} is not an allowed web origin of any client of this tenant.`),
  origin_not_allowed_for_client: entry(403, 'access_denied', (p) => `Origin ${echo(p.origin)} is not an allowed web origin of client ${echo(p.client_id)}.`),

  // Tenants.
  unknown_tenant: entry(400, 'invalid_request', 'no tenant is configured for this host'),

  // POST /passwordless/start: seed 003's table, with its own `bad.<field>` codes. bad.send and bad.email
  // follow Auth0's earlier, longer version of the same table; type errors follow bad.authParams' form.
  passwordless_bad_tenant: entry(400, 'bad.tenant', 'error in tenant - tenant validation failed: invalid_tenant'),
  passwordless_missing_client_id: entry(400, 'bad.client_id', 'Missing required property: client_id'),
  passwordless_client_id_type: entry(400, 'bad.client_id', (p) => `error in client_id - invalid type: ${p.type} (expected string)`),
  passwordless_unknown_client: entry(400, 'bad.client_id', (p) => `Unknown client: ${echo(p.client_id)}`),
  passwordless_missing_connection: entry(400, 'bad.connection', 'Missing required property: connection'),
  passwordless_connection_type: entry(400, 'bad.connection', (p) => `error in connection - invalid type: ${p.type} (expected string)`),
  passwordless_connection_not_found: entry(400, 'bad.connection', 'Connection does not exist'),
  passwordless_connection_disabled: entry(400, 'bad.connection', 'Connection is disabled'),
  passwordless_connection_strategy: entry(400, 'bad.connection',
    'Invalid connection strategy. It must either be a passwordless connection'),
  passwordless_bad_auth_params: entry(400, 'bad.authParams', (p) => `error in authParams - invalid type: ${p.type} (expected object)`),
  passwordless_properties_not_allowed: entry(400, 'bad.request', (p) => `the following properties are not allowed: ${echo(p.properties)}`),
  passwordless_bad_send: entry(400, 'bad.send', (p) => `error in send - No enum match for: ${echo(p.send)}`),
  passwordless_missing_phone_number: entry(400, 'bad.phone_number', 'Missing required property: phone_number'),
  passwordless_phone_number_type: entry(400, 'bad.phone_number', (p) => `error in phone_number - invalid type: ${p.type} (expected string)`),
  passwordless_bad_phone_number: entry(400, 'bad.phone_number', 'String does not match pattern: ^\\+[0-9]{1,15}$'),
  passwordless_missing_email: entry(400, 'bad.email', 'Missing required property: email'),
  passwordless_email_type: entry(400, 'bad.email', (p) => `error in email - invalid type: ${p.type} (expected string)`),
  passwordless_bad_email: entry(400, 'bad.email', (p) => `error in email - email format validation failed: ${echo(p.email)}`),
  // send=link needs somewhere to send the user back to.
  passwordless_no_callback: entry(400, 'bad.send', 'error in send - the client has no callback URL to send a link to'),
  passwordless_bad_redirect_uri: entry(400, 'bad.authParams',
    'error in authParams - redirect_uri is not one of the client\'s callback URLs'),
  // The delivery gateway refused or did not answer: its own message and code (Auth0 passes Twilio's on).
  sms_provider_error: entry(400, 'sms_provider_error', (p) => `${echo(p.message)} (Code: ${echo(p.code)})`),
  passwordless_rate_limited: entry(429, 'too_many_requests', 'Too many requests. Try again later.'),

  // Passwordless verification. The legacy endpoints (/oauth/ro, /passwordless/verify) answer 401 as for a
  // wrong password there; /oauth/token answers 403 as its password grants do.
  wrong_verification_code: entry(401, 'invalid_grant', (p) => `Wrong ${p.login} or verification code.`),
  wrong_verification_code_grant: entry(403, 'invalid_grant', (p) => `Wrong ${p.login} or verification code.`),
  // Attack protection (reference/auth0-behaviour.md, "Attack protection"; seed 003's 429 table).
  account_blocked: entry(429, 'too_many_attempts', 'Your account has been blocked after multiple consecutive login attempts.'),
  account_rate_limited: entry(429, 'too_many_attempts', 'Too many login attempts for this account. Try again later.'),
  ip_throttled: entry(429, 'too_many_logins',
    'We have detected suspicious login behavior and further attempts will be blocked. Please contact the administrator.'),
  rate_limited: entry(429, 'too_many_requests', 'Too many requests. Try again later.'),
  password_leaked: entry(401, 'password_leaked',
    'This login has been blocked because your password has been leaked in another website. We’ve sent you an email with instructions on how to unblock it.'),
  server_busy: entry(503, 'temporarily_unavailable', 'The server is busy. Try again shortly.'),
  // The database (PostgreSQL) is down or out of reach: temporary, never a 500.
  store_unavailable: entry(503, 'temporarily_unavailable', 'The service is temporarily unavailable. Try again shortly.'),

  // Multi-factor authentication (Auth0's MFA API and its grants on /oauth/token). mfa_required
  // carries the mfa_token in the body, next to error and error_description.
  mfa_required: entry(403, 'mfa_required', 'Multifactor authentication required'),
  mfa_token_invalid: entry(403, 'invalid_grant', 'Malformed mfa_token'),
  mfa_token_expired: entry(403, 'expired_token', 'mfa_token is expired'),
  // The MFA API takes the mfa_token as a Bearer token.
  mfa_bearer_invalid: entry(401, 'invalid_token', 'The mfa_token is invalid or has expired.'),
  mfa_invalid_otp: entry(403, 'invalid_grant', 'Invalid otp_code.'),
  mfa_invalid_oob_code: entry(403, 'invalid_grant', 'Invalid oob_code.'),
  mfa_invalid_binding_code: entry(403, 'invalid_grant', 'Invalid binding_code.'),
  mfa_invalid_recovery_code: entry(403, 'invalid_grant', 'Invalid recovery_code.'),
  mfa_not_enrolled: entry(403, 'invalid_grant', (p) => `User is not enrolled with ${p.factor}.`),
  mfa_authenticator_not_active: entry(403, 'invalid_grant', 'The authenticator is not active: its enrolment was never confirmed with a code.'),
  // Auth0: a bucket of 10 attempts per user, refilled one per 6 minutes.
  mfa_too_many_attempts: entry(429, 'too_many_attempts', 'Too many failed MFA attempts. Try again later.'),
  // The same bucket shape for SMS sent to one user (enrolments and challenges), against SMS pumping.
  mfa_too_many_sms: entry(429, 'too_many_attempts', 'Too many MFA codes sent. Try again later.'),
  mfa_already_enrolled: entry(403, 'access_denied', 'User is already enrolled.'),
  mfa_unsupported_authenticator_type: entry(400, 'invalid_request', 'authenticator_types must be ["otp"] or ["oob"] (with oob_channels ["sms"])'),
  mfa_factor_disabled: entry(403, 'access_denied', (p) => `The ${p.factor} factor is not enabled for this tenant.`),
  mfa_invalid_phone_number: entry(400, 'invalid_request', 'phone_number must be in E.164 format (+ and up to 15 digits)'),
  mfa_unsupported_challenge_type: entry(400, 'unsupported_challenge_type', (p) => `User is not enrolled with an active ${p.type} authenticator.`),
  mfa_authenticator_not_found: entry(404, 'not_found', 'Authenticator not found.'),
  mfa_remove_scope_missing: entry(403, 'access_denied', 'Deleting an authenticator needs an access token for the MFA API with the remove:authenticators scope.'),
  // /oauth/ro (legacy), as Auth0's mobile SDKs expect it.
  ro_mfa_required: entry(401, 'a0.mfa_required', 'Multifactor authentication required'),
  ro_mfa_registration_required: entry(401, 'a0.mfa_registration_required', 'Multifactor authentication required: enrol a factor first'),
  ro_mfa_invalid_code: entry(401, 'a0.mfa_invalid_code', 'Wrong or expired code.'),
  // Operations: GET /health/ready when this instance should not be sent traffic.
  not_ready: entry(503, 'temporarily_unavailable', (p) => `Not ready: ${p.reason}.`),

  // HTTP level (seeds 000 to 002).
  not_found: entry(404, 'not_found', 'The requested endpoint does not exist.'),
  method_not_allowed: entry(405, 'method_not_allowed', (p) => `The ${echo(p.method)} method is not allowed on ${echo(p.path)}.`),
  malformed_json: entry(400, 'invalid_request', 'The request body is not valid JSON.'),
  unsupported_content_type: entry(400, 'invalid_request',
    'The request body must be application/json or application/x-www-form-urlencoded.'),
  body_too_large: entry(400, 'invalid_request', 'The request body is too large.'),
  bad_request: entry(400, 'invalid_request', 'The request could not be understood.'),
  // Answered by the HTTP server itself (plugins/client-errors.ts), before any route runs.
  malformed_http: entry(400, 'invalid_request', 'The request is not well-formed HTTP.'),
  headers_too_large: entry(431, 'invalid_request', 'The request headers are too large.'),
  request_timeout: entry(408, 'invalid_request', 'The request did not arrive in time.'),
  expectation_failed: entry(417, 'invalid_request', 'Only the Expect value 100-continue is supported.'),
  malformed_url: entry(400, 'invalid_request', 'The request URL is not well-formed.'),
  missing_host: entry(400, 'invalid_request', 'The request has no Host header.'),
  server_error: entry(500, 'server_error', (p) => `An internal error occurred. Reference: ${p.request_id}`),
} satisfies Record<string, CatalogEntry>

export type ErrorKey = keyof typeof catalog

export interface ErrorBody {
  error: string
  error_description: string
  /** Fields some errors carry besides (mfa_required's mfa_token). */
  [field: string]: string
}

export class OAuthError extends Error {
  readonly key: ErrorKey
  readonly statusCode: number
  readonly body: ErrorBody
  readonly headers: Record<string, string>

  constructor (key: ErrorKey, params: Record<string, string> = {},
    options: { headers?: Record<string, string>, cause?: unknown, fields?: Record<string, string> } = {}) {
    const { status, error, description } = catalog[key]
    const text = typeof description === 'function' ? description(params) : description
    // A documented refusal needs no stack trace, and capturing one was a visible share of a rejected request.
    const stackTraceLimit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(text, { cause: options.cause })
    Error.stackTraceLimit = stackTraceLimit
    this.name = 'OAuthError'
    this.key = key
    this.statusCode = status
    this.body = { error, error_description: text, ...options.fields }
    this.headers = options.headers ?? {}
  }
}

export function oauthError (key: ErrorKey, params?: Record<string, string>,
  options?: { headers?: Record<string, string>, cause?: unknown, fields?: Record<string, string> }): OAuthError {
  return new OAuthError(key, params, options)
}
