// Passwordless: every failure of seed 003's /passwordless/start table (and Auth0's earlier, longer
// version of it for bad.send and bad.email), the delivery gateway's refusal, the start rate limit,
// and the wrong-code answers of the three ways to verify a code.
import { buildTestApp } from '../helpers/app.js'
import { defaults } from '../../src/config.js'
import { REFUSAL, startGateway } from '../helpers/delivery-gateway.js'
import { OTP, PHONE, passwordlessFixture } from '../helpers/passwordless.js'
import type { CatalogGroup, CatalogRequest } from './types.js'

const startBody = { client_id: 'app', connection: 'sms', phone_number: PHONE, send: 'code' }
const start = (fields: Record<string, unknown>, headers?: Record<string, string>): CatalogRequest =>
  ({ url: '/passwordless/start', body: { ...startBody, ...fields }, headers })
const startWithout = (field: string): CatalogRequest =>
  ({ url: '/passwordless/start', body: Object.fromEntries(Object.entries(startBody).filter(([k]) => k !== field)) })
const email = (fields: Record<string, unknown>) => start({ connection: 'email', phone_number: undefined, ...fields })
const bad = (error: string, description: string) => ({ error, error_description: description })

const verify = (fields: Record<string, unknown>): CatalogRequest => ({
  url: '/passwordless/verify',
  body: { client_id: 'app', connection: 'sms', phone_number: PHONE, verification_code: '123456', ...fields },
})
const invalidRequest = (description: string) => bad('invalid_request', description)
const wrongPhone = bad('invalid_grant', 'Wrong phone number or verification code.')
const wrongEmail = bad('invalid_grant', 'Wrong email or verification code.')

export const group: CatalogGroup = {
  async setup (t) {
    const gateway = await startGateway(t)
    gateway.mode = 'refuse'
    const noDefault = passwordlessFixture()
    noDefault.tenants[0].default = false
    return {
      main: await buildTestApp(t, { document: passwordlessFixture({ gatewayUrl: gateway.url }) }),
      noDefaultTenant: await buildTestApp(t, { document: noDefault }),
      limited: await buildTestApp(t, {
        document: passwordlessFixture(),
        config: { passwordless: { ...defaults.passwordless, startLimitPerIp: 1 } },
      }),
    }
  },
  cases: [
    // Seed 003, /passwordless/start, HTTP 400.
    { key: 'passwordless_bad_tenant', app: 'noDefaultTenant', name: 'host no tenant serves', request: start({}, { host: 'nowhere.test' }), status: 400, body: bad('bad.tenant', 'error in tenant - tenant validation failed: invalid_tenant') },
    { key: 'passwordless_missing_client_id', name: 'missing client_id', request: startWithout('client_id'), status: 400, body: bad('bad.client_id', 'Missing required property: client_id') },
    { key: 'passwordless_missing_client_id', name: 'no body at all', request: { url: '/passwordless/start' }, status: 400, body: bad('bad.client_id', 'Missing required property: client_id') },
    { key: 'passwordless_client_id_type', name: 'client_id not a string', request: start({ client_id: 7 }), status: 400, body: bad('bad.client_id', 'error in client_id - invalid type: integer (expected string)') },
    { key: 'passwordless_unknown_client', name: 'unknown client', request: start({ client_id: 'nobody' }), status: 400, body: bad('bad.client_id', 'Unknown client: nobody') },
    { key: 'passwordless_unknown_client', name: 'client of another tenant', request: start({ client_id: 'other-app' }), status: 400, body: bad('bad.client_id', 'Unknown client: other-app') },
    { key: 'passwordless_missing_connection', name: 'missing connection', request: startWithout('connection'), status: 400, body: bad('bad.connection', 'Missing required property: connection') },
    { key: 'passwordless_connection_type', name: 'connection not a string', request: start({ connection: ['sms'] }), status: 400, body: bad('bad.connection', 'error in connection - invalid type: array (expected string)') },
    { key: 'passwordless_connection_not_found', name: 'connection does not exist', request: start({ connection: 'carrier-pigeon' }), status: 400, body: bad('bad.connection', 'Connection does not exist') },
    { key: 'passwordless_connection_disabled', name: 'connection not enabled for the client', request: start({ connection: 'sms-off' }), status: 400, body: bad('bad.connection', 'Connection is disabled') },
    { key: 'passwordless_connection_strategy', name: 'database connection', request: start({ client_id: 'spa', connection: 'db' }), status: 400, body: bad('bad.connection', 'Invalid connection strategy. It must either be a passwordless connection') },
    { key: 'passwordless_bad_auth_params', name: 'authParams a string', request: start({ authParams: 'scope=openid' }), status: 400, body: bad('bad.authParams', 'error in authParams - invalid type: string (expected object)') },
    { key: 'passwordless_bad_auth_params', name: 'authParams a string, form body', request: { url: '/passwordless/start', payload: 'client_id=app&connection=sms&phone_number=%2B15550000001&send=code&authParams=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, status: 400, body: bad('bad.authParams', 'error in authParams - invalid type: string (expected object)') },
    { key: 'passwordless_properties_not_allowed', name: 'unknown properties', request: start({ password: 'x', username: 'y' }), status: 400, body: bad('bad.request', 'the following properties are not allowed: password, username') },
    { key: 'passwordless_properties_not_allowed', name: 'email on an sms connection', request: start({ email: 'a@acme.test' }), status: 400, body: bad('bad.request', 'the following properties are not allowed: email') },
    { key: 'passwordless_bad_send', name: 'send neither code nor link', request: start({ send: 'pigeon' }), status: 400, body: bad('bad.send', 'error in send - No enum match for: pigeon') },
    { key: 'passwordless_missing_phone_number', name: 'missing phone_number', request: startWithout('phone_number'), status: 400, body: bad('bad.phone_number', 'Missing required property: phone_number') },
    { key: 'passwordless_phone_number_type', name: 'phone_number a number', request: start({ phone_number: 15550000001 }), status: 400, body: bad('bad.phone_number', 'error in phone_number - invalid type: integer (expected string)') },
    { key: 'passwordless_bad_phone_number', name: 'phone_number without +', request: start({ phone_number: '15550000001' }), status: 400, body: bad('bad.phone_number', 'String does not match pattern: ^\\+[0-9]{1,15}$') },
    { key: 'passwordless_bad_phone_number', name: 'phone_number too long', request: start({ phone_number: '+1234567890123456' }), status: 400, body: bad('bad.phone_number', 'String does not match pattern: ^\\+[0-9]{1,15}$') },
    { key: 'passwordless_missing_email', name: 'missing email', request: email({}), status: 400, body: bad('bad.email', 'Missing required property: email') },
    { key: 'passwordless_email_type', name: 'email an object', request: email({ email: { address: 'a@acme.test' } }), status: 400, body: bad('bad.email', 'error in email - invalid type: object (expected string)') },
    { key: 'passwordless_bad_email', name: 'email without a domain', request: email({ email: 'foo' }), status: 400, body: bad('bad.email', 'error in email - email format validation failed: foo') },
    { key: 'passwordless_no_callback', name: 'link for a client without callbacks', request: start({ client_id: 'spa', send: 'link' }), status: 400, body: bad('bad.send', 'error in send - the client has no callback URL to send a link to') },
    { key: 'passwordless_no_callback', name: 'send defaults to link', request: start({ client_id: 'spa', send: undefined }), status: 400, body: bad('bad.send', 'error in send - the client has no callback URL to send a link to') },
    { key: 'passwordless_bad_redirect_uri', name: 'redirect_uri not a callback', request: start({ send: 'link', authParams: { redirect_uri: 'https://evil.test/' } }), status: 400, body: bad('bad.authParams', 'error in authParams - redirect_uri is not one of the client\'s callback URLs') },
    { key: 'sms_provider_error', name: 'gateway refuses the message', request: start({ connection: 'sms-gateway' }), status: 400, body: bad('sms_provider_error', `${REFUSAL.message} (Code: ${REFUSAL.code})`) },
    // Limits: the first request counts (even a refused one); the second is over the limit of 1.
    { key: 'passwordless_missing_client_id', app: 'limited', name: 'first request from this IP', request: startWithout('client_id'), status: 400, body: bad('bad.client_id', 'Missing required property: client_id') },
    { key: 'passwordless_rate_limited', app: 'limited', name: 'over the per-IP limit', request: start({}), status: 429, body: bad('too_many_requests', 'Too many requests. Try again later.'), headers: { 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0' } },

    // Verification: wrong codes, with each endpoint's status.
    { key: 'wrong_verification_code', name: '/oauth/ro, sms', request: { body: { grant_type: 'password', client_id: 'app', connection: 'sms', username: PHONE, password: '123456' } }, status: 401, body: wrongPhone },
    { key: 'wrong_verification_code', name: '/oauth/ro, email', request: { body: { grant_type: 'password', client_id: 'app', connection: 'email', username: 'nobody@acme.test', password: '123456' } }, status: 401, body: wrongEmail },
    { key: 'wrong_verification_code', name: '/oauth/ro, blocked user (not told apart)', request: { body: { grant_type: 'password', client_id: 'app', connection: 'sms', username: '+15550000002', password: '123456' } }, status: 401, body: wrongPhone },
    { key: 'wrong_verification_code', name: '/passwordless/verify, sms', request: verify({}), status: 401, body: wrongPhone },
    { key: 'wrong_verification_code', name: '/passwordless/verify, email', request: verify({ connection: 'email', phone_number: undefined, email: 'a@acme.test' }), status: 401, body: wrongEmail },
    { key: 'wrong_verification_code_grant', name: '/oauth/token otp, sms', request: { url: '/oauth/token', body: { grant_type: OTP, client_id: 'app', realm: 'sms', username: PHONE, otp: '123456' } }, status: 403, body: wrongPhone },
    { key: 'wrong_verification_code_grant', name: '/oauth/token otp, email', request: { url: '/oauth/token', body: { grant_type: OTP, client_id: 'app', realm: 'email', username: 'a@acme.test', otp: '123456' } }, status: 403, body: wrongEmail },
    // Verification: the shared failures, as each endpoint reports them.
    { key: 'missing_parameter', name: '/passwordless/verify without verification_code', request: verify({ verification_code: undefined }), status: 400, body: invalidRequest('missing verification_code parameter') },
    { key: 'missing_parameter', name: '/passwordless/verify, sms without phone_number', request: verify({ phone_number: undefined, email: 'a@acme.test' }), status: 400, body: invalidRequest('missing phone_number parameter') },
    { key: 'missing_parameter', name: '/oauth/token otp without otp', request: { url: '/oauth/token', body: { grant_type: OTP, client_id: 'app', realm: 'sms', username: PHONE } }, status: 400, body: invalidRequest('missing otp parameter') },
    { key: 'invalid_client', name: '/passwordless/verify, unknown client', request: verify({ client_id: 'nobody' }), status: 403, body: bad('unauthorized_client', 'invalid client') },
    { key: 'grant_not_allowed', name: '/passwordless/verify, client without the otp grant', request: verify({ client_id: 'spa' }), status: 403, body: bad('unauthorized_client', `Grant type '${OTP}' not allowed for the client.`) },
    { key: 'strategy_not_supported', name: '/passwordless/verify, database connection', request: verify({ client_id: 'strict-spa', connection: 'db' }), status: 400, body: invalidRequest('specified strategy does not support requested operation') },
    { key: 'strategy_not_supported', name: '/oauth/token otp, database realm', request: { url: '/oauth/token', body: { grant_type: OTP, client_id: 'strict-spa', realm: 'db', username: PHONE, otp: '123456' } }, status: 400, body: invalidRequest('specified strategy does not support requested operation') },
    { key: 'connection_disabled', name: '/passwordless/verify, connection not enabled', request: verify({ connection: 'sms-off' }), status: 400, body: invalidRequest('the connection was disabled') },
  ],
}
