// The provisioning file that `tollgate apply` loads: tenants with their connections, clients and
// users, declared as they should be. `tollgate schema` prints it as JSON Schema.
import { Type, type Static, type TLiteral, type TUnion } from '@sinclair/typebox'
import { STRATEGIES } from '../src/strategies/index.js'
import { SIGNING_ALGORITHMS } from '../src/tokens/keys.js'

export const GRANT_TYPES = [
  'password',
  'http://auth0.com/oauth/grant-type/password-realm',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'refresh_token',
  'client_credentials',
  'http://auth0.com/oauth/grant-type/passwordless/otp',
  'http://auth0.com/oauth/grant-type/mfa-otp',
  'http://auth0.com/oauth/grant-type/mfa-oob',
  'http://auth0.com/oauth/grant-type/mfa-recovery-code',
] as const

export const MFA_POLICIES = ['never', 'always', 'enrolled'] as const

export const CLIENT_AUTH_METHODS = ['none', 'client_secret_post', 'client_secret_basic', 'private_key_jwt'] as const

const literals = <T extends string>(values: readonly T[], options: { description?: string } = {}): TUnion<TLiteral<T>[]> =>
  Type.Union(values.map((v) => Type.Literal(v)), options)

/** Metadata objects: any JSON, but no key may contain a dot. */
const Metadata = Type.Record(Type.String({ pattern: '^[^.]+$' }), Type.Unknown(), {
  description: 'Free-form JSON object; keys may not contain "."',
  additionalProperties: false,
})

/** sms and email connections: how codes reach the user. */
export const DeliveryOptions = Type.Union([
  Type.Object({
    provider: Type.Literal('development'),
  }, { additionalProperties: false, description: 'Writes each message to the outbox in the store (`tollgate outbox`), sends nothing' }),
  Type.Object({
    provider: Type.Literal('http'),
    url: Type.String({ pattern: '^https?://', description: 'Gateway that receives each message as a JSON POST' }),
    timeout_ms: Type.Optional(Type.Integer({ minimum: 100, maximum: 60000, description: 'Default: TOLLGATE_PASSWORDLESS_DELIVERY_TIMEOUT_MS' })),
  }, { additionalProperties: false }),
], { description: 'Default: development' })

export const CHARACTER_CLASSES = ['lower', 'upper', 'number', 'special'] as const

export const PasswordPolicySchema = Type.Object({
  min_length: Type.Integer({ minimum: 1, maximum: 128 }),
  character_classes: Type.Optional(Type.Array(literals(CHARACTER_CLASSES), { uniqueItems: true })),
  min_character_classes: Type.Optional(Type.Integer({ minimum: 1, maximum: 4, description: 'Default: all the listed classes' })),
}, { additionalProperties: false, description: 'Signup password policy (database connections); default: at least 8 characters' })

export const ProvisionedConnection = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 128 }),
  strategy: literals(STRATEGIES),
  enabled_clients: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
  options: Type.Optional(Type.Object({
    login_url: Type.Optional(Type.String({ pattern: '^https?://' })),
    delivery: Type.Optional(DeliveryOptions),
    password_policy: Type.Optional(PasswordPolicySchema),
  }, { additionalProperties: false })),
}, { additionalProperties: false })

/** A public JWK a client signs its RFC 7523 assertions with; checked in full by `tollgate apply`. */
const ClientPublicJwk = Type.Object({
  kty: literals(['RSA', 'EC', 'OKP'] as const),
  kid: Type.Optional(Type.String({ minLength: 1 })),
  alg: Type.Optional(Type.String({ description: 'Pins the key to this algorithm; inferred from an EC or OKP curve, RS256 for RSA' })),
  use: Type.Optional(Type.Literal('sig')),
}, { additionalProperties: true, description: 'A public JWK (n and e, or crv, x and y); private members are refused' })

/** A scope name as RFC 6749 section 3.3 allows it: printable ASCII without space, quote or backslash. */
const ScopeName = Type.String({ pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$' })

export const ProvisionedApi = Type.Object({
  identifier: Type.String({ minLength: 1, maxLength: 600, description: 'The audience clients ask for, usually a URL' }),
  name: Type.String({ minLength: 1 }),
  scopes: Type.Array(ScopeName, { default: [], uniqueItems: true }),
  token_lifetime: Type.Optional(Type.Integer({ minimum: 60, description: 'Access token lifetime in seconds; default 86400' })),
  allow_offline_access: Type.Optional(Type.Boolean({ description: 'Refresh tokens for logins to this API; default false' })),
}, { additionalProperties: false })

export const ProvisionedClientGrant = Type.Object({
  client_id: Type.String({ minLength: 1 }),
  audience: Type.String({ minLength: 1 }),
  scope: Type.Array(ScopeName, { default: [], description: 'API scopes the client may get for this API (client_credentials, jwt-bearer assertions)' }),
  act_for_users: Type.Optional(Type.Boolean({
    description: 'The client\'s jwt-bearer assertions may name a user of the tenant as sub, for this API only; default false',
  })),
}, { additionalProperties: false })

export const ProvisionedClient = Type.Object({
  client_id: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._-]+$' }),
  name: Type.String({ minLength: 1 }),
  type: literals(['spa', 'native', 'machine'] as const),
  grant_types: Type.Array(literals(GRANT_TYPES)),
  web_origins: Type.Optional(Type.Array(Type.String({ pattern: '^https?://' }))),
  client_secret: Type.Optional(Type.String({ minLength: 16, description: 'Given in clear; stored as a hash' })),
  token_endpoint_auth_methods: Type.Optional(Type.Array(literals(CLIENT_AUTH_METHODS), {
    minItems: 1,
    description: 'Default: client_secret_post and client_secret_basic with a secret, else none',
  })),
  require_email_verified: Type.Optional(Type.Boolean()),
  callbacks: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9+.-]*://', maxLength: 2048 }), {
    description: 'Allowed callback URLs (custom schemes allowed for native apps); a passwordless link goes to the first, or to authParams.redirect_uri when it is one of them',
  })),
  jwks: Type.Optional(Type.Object({ keys: Type.Array(ClientPublicJwk, { minItems: 1, maxItems: 20 }) }, {
    additionalProperties: false,
    description: 'The public keys of the client\'s RFC 7523 assertions (private_key_jwt, jwt-bearer grant)',
  })),
  jwks_uri: Type.Optional(Type.String({ pattern: '^https?://', description: 'Where the client publishes its JWK set, instead of jwks' })),
  token_endpoint_ip_header_trusted: Type.Optional(Type.Boolean({
    description: 'Trust the auth0-forwarded-for header this client sends (once authenticated with its secret or key) as the end user\'s IP; default false',
  })),
  mfa_policy: Type.Optional(literals(MFA_POLICIES, { description: 'Overrides the tenant\'s mfa.policy for logins of this client' })),
}, { additionalProperties: false })

export const ProvisionedUser = Type.Object({
  connection: Type.String({ minLength: 1 }),
  user_id: Type.Optional(Type.String({ minLength: 1, description: 'Stable id (the tokens\' sub); generated if absent' })),
  email: Type.Optional(Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$' })),
  username: Type.Optional(Type.String({ pattern: '^[^@\\s]+$' })),
  phone_number: Type.Optional(Type.String({ pattern: '^\\+[0-9]{1,15}$' })),
  email_verified: Type.Optional(Type.Boolean()),
  password: Type.Optional(Type.String({ minLength: 1, description: 'Given in clear; hashed with argon2id on load' })),
  password_hash: Type.Optional(Type.String({ pattern: '^\\$argon2(id|i|d)\\$', description: 'An existing argon2 hash, kept as it is' })),
  blocked: Type.Optional(Type.Boolean()),
  name: Type.Optional(Type.String()),
  nickname: Type.Optional(Type.String()),
  picture: Type.Optional(Type.String()),
  given_name: Type.Optional(Type.String()),
  family_name: Type.Optional(Type.String()),
  user_metadata: Type.Optional(Metadata),
  app_metadata: Type.Optional(Metadata),
}, { additionalProperties: false })

/** A tenant's own attack-protection settings, over the deployment's (see the README). */
export const ProvisionedAttackProtection = Type.Object({
  brute_force: Type.Optional(Type.Object({
    enabled: Type.Optional(Type.Boolean()),
    threshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Consecutive failed logins that block an account' })),
    mode: Type.Optional(literals(['per_ip', 'account_lockout'] as const)),
    block_seconds: Type.Optional(Type.Integer({ minimum: 1, description: 'How long a block lasts after the last failed attempt' })),
  }, { additionalProperties: false })),
  suspicious_ip_throttling: Type.Optional(Type.Object({
    enabled: Type.Optional(Type.Boolean()),
    max_failures: Type.Optional(Type.Integer({ minimum: 1, description: 'Failed logins per IP across all accounts per window' })),
    window_seconds: Type.Optional(Type.Integer({ minimum: 1 })),
  }, { additionalProperties: false })),
  breached_password_detection: Type.Optional(Type.Object({
    enabled: Type.Optional(Type.Boolean()),
  }, { additionalProperties: false })),
  allow_list: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Addresses or CIDRs never blocked nor throttled' })),
}, { additionalProperties: false })

/** When logins need a second factor, and which factors users may enrol. */
export const ProvisionedMfa = Type.Object({
  policy: literals(MFA_POLICIES, { description: 'never (default), always, or enrolled (only users who have an active factor)' }),
  factors: Type.Optional(Type.Array(literals(['otp', 'sms'] as const), { uniqueItems: true, description: 'Factors users may enrol; default ["otp"]. Recovery codes come with each.' })),
  sms_delivery: Type.Optional(DeliveryOptions),
}, { additionalProperties: false })

export const ProvisionedTenant = Type.Object({
  name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 64 }),
  hosts: Type.Array(Type.String({ minLength: 1 }), { description: 'Host headers served by this tenant, with or without port' }),
  default: Type.Optional(Type.Boolean({ description: 'Serves requests whose host no tenant lists' })),
  public_url: Type.Optional(Type.String({ pattern: '^https?://[^/]+/$', description: 'Issuer URL, with its trailing slash' })),
  signing_alg: Type.Optional(literals(SIGNING_ALGORITHMS)),
  signing_key: Type.Optional(Type.Union([
    Type.Object({ pem: Type.String({ minLength: 1 }), kid: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false }),
    Type.Object({ jwk: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false }),
  ], {
    description: 'An existing private key to import (PEM, or a private JWK) so tokens it signed stay valid; give the kid it used. ' +
      'Imported once as the current key. Keep this file private.',
  })),
  default_connection: Type.Optional(Type.String({ description: 'Connection used by /oauth/token password logins without a realm' })),
  attack_protection: Type.Optional(ProvisionedAttackProtection),
  mfa: Type.Optional(ProvisionedMfa),
  connections: Type.Array(ProvisionedConnection, { default: [] }),
  clients: Type.Array(ProvisionedClient, { default: [] }),
  users: Type.Array(ProvisionedUser, { default: [] }),
  apis: Type.Optional(Type.Array(ProvisionedApi, { description: 'APIs (resource servers) access tokens are issued for' })),
  client_grants: Type.Optional(Type.Array(ProvisionedClientGrant, { description: 'Which machine clients may call which APIs' })),
}, { additionalProperties: false })

export const ProvisioningFile = Type.Object({
  $schema: Type.Optional(Type.String()),
  tenants: Type.Array(ProvisionedTenant),
}, { additionalProperties: false, $id: 'https://tollgate.dev/schemas/provisioning.json', title: 'Tollgate provisioning file' })

export type ProvisioningDocument = Static<typeof ProvisioningFile>
export type ProvisionedUserEntry = Static<typeof ProvisionedUser>
export type ProvisionedAttackProtectionEntry = Static<typeof ProvisionedAttackProtection>
