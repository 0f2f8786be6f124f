// Which catalog errors each route can answer, for the OpenAPI document. The catalog (src/errors.ts)
// gives each its status and body; test/openapi.test.ts checks that every entry is listed somewhere.
import type { ErrorKey } from '../errors.js'

/** Any request can meet these: refusals before routing, and the unexpected. */
const EVERY_REQUEST: ErrorKey[] = ['rate_limited', 'server_busy', 'server_error', 'bad_request', 'method_not_allowed',
  'malformed_http', 'headers_too_large', 'request_timeout', 'expectation_failed', 'malformed_url', 'missing_host', 'store_unavailable']
/** Requests with a body. */
const BODY: ErrorKey[] = ['malformed_json', 'unsupported_content_type', 'body_too_large', 'body_not_object', 'missing_parameter', 'parameter_not_string',
  'parameter_too_long', 'parameter_not_array']
/** Routes of a tenant, found by Host, readable from browsers. */
const TENANT: ErrorKey[] = ['unknown_tenant', 'origin_not_allowed']
const CLIENT: ErrorKey[] = ['invalid_client', 'grant_not_allowed', 'origin_not_allowed_for_client', 'invalid_client_credentials', 'client_assertion_rejected']
const CONNECTION: ErrorKey[] = ['strategy_not_supported', 'connection_not_found', 'connection_disabled', 'connection_not_configured',
  'connection_not_found_for_tenant', 'connection_unavailable', 'dotted_fields', 'user_store_profile_conflict']
const PROTECTION: ErrorKey[] = ['user_blocked', 'account_blocked', 'ip_throttled', 'account_rate_limited', 'password_leaked', 'email_not_verified']
/** The MFA grants and the MFA API, with the mfa_token of a login waiting for its second factor. */
const MFA_TOKEN: ErrorKey[] = ['mfa_token_invalid', 'mfa_token_expired', 'mfa_too_many_attempts']
const MFA_GRANTS: ErrorKey[] = [...MFA_TOKEN, 'mfa_required', 'mfa_invalid_otp', 'mfa_invalid_oob_code', 'mfa_invalid_binding_code',
  'mfa_invalid_recovery_code', 'mfa_not_enrolled', 'mfa_authenticator_not_active']
const MFA_API: ErrorKey[] = ['mfa_bearer_invalid', 'mfa_already_enrolled', 'mfa_factor_disabled', 'mfa_too_many_sms']

export const ROUTE_ERRORS: Record<string, ErrorKey[]> = {
  'POST /oauth/ro': [...EVERY_REQUEST, ...BODY, ...TENANT, ...CLIENT, ...CONNECTION, ...PROTECTION, 'unsupported_grant_type',
    'invalid_user_password', 'wrong_verification_code', 'invalid_id_token', 'jwt_bearer_user_refused',
    'ro_mfa_required', 'ro_mfa_registration_required', 'ro_mfa_invalid_code', 'mfa_too_many_attempts'],
  'POST /oauth/token': [...EVERY_REQUEST, ...BODY, ...TENANT, ...CLIENT, ...CONNECTION, ...PROTECTION, 'unsupported_grant_type',
    'invalid_client_credentials', 'multiple_client_auth_methods', 'wrong_credentials_grant', 'no_default_connection',
    'wrong_verification_code_grant', 'invalid_assertion', 'jwt_bearer_user_refused', 'missing_audience', 'unknown_audience',
    'client_not_authorized_for_api', 'scope_not_granted', 'scope_not_allowed', 'invalid_refresh_token', 'refresh_scope_exceeds',
    ...MFA_GRANTS],
  'POST /oauth/revoke': [...EVERY_REQUEST, ...BODY, ...TENANT, 'invalid_client', 'invalid_client_credentials', 'multiple_client_auth_methods',
    'origin_not_allowed_for_client'],
  'GET /userinfo': [...EVERY_REQUEST, ...TENANT, 'access_token_missing', 'access_token_invalid', 'access_token_expired', 'access_token_user_unavailable'],
  'POST /dbconnections/signup': [...EVERY_REQUEST, ...BODY, ...TENANT, 'invalid_client', 'origin_not_allowed_for_client', 'strategy_not_supported',
    'connection_not_found', 'connection_disabled', 'dotted_fields', 'user_exists', 'invalid_password', 'invalid_email', 'invalid_username',
    'invalid_user_metadata', 'parameter_not_object'],
  'POST /dbconnections/change_password': [...EVERY_REQUEST, ...BODY, ...TENANT, 'invalid_client', 'origin_not_allowed_for_client',
    'strategy_not_supported', 'connection_not_found', 'connection_not_found_for_tenant', 'connection_disabled', 'invalid_email'],
  // The pages of one-time links: a page for browsers, the catalog's body for JSON clients.
  'GET /lo/reset': [...EVERY_REQUEST, 'unknown_tenant', 'link_expired'],
  'POST /lo/reset': [...EVERY_REQUEST, 'malformed_json', 'unsupported_content_type', 'body_too_large', 'missing_parameter', 'unknown_tenant',
    'link_expired', 'passwords_do_not_match', 'invalid_password', 'new_password_breached'],
  'GET /lo/verify_email': [...EVERY_REQUEST, 'unknown_tenant', 'link_expired'],
  'POST /passwordless/start': [...EVERY_REQUEST, 'malformed_json', 'unsupported_content_type', 'body_too_large', ...TENANT,
    'passwordless_bad_tenant', 'passwordless_missing_client_id', 'passwordless_client_id_type', 'passwordless_unknown_client',
    'passwordless_missing_connection', 'passwordless_connection_type', 'passwordless_connection_not_found', 'passwordless_connection_disabled',
    'passwordless_connection_strategy', 'passwordless_bad_auth_params', 'passwordless_properties_not_allowed', 'passwordless_bad_send',
    'passwordless_missing_phone_number', 'passwordless_phone_number_type', 'passwordless_bad_phone_number', 'passwordless_missing_email',
    'passwordless_email_type', 'passwordless_bad_email', 'passwordless_no_callback', 'passwordless_bad_redirect_uri', 'sms_provider_error',
    'passwordless_rate_limited'],
  'POST /passwordless/verify': [...EVERY_REQUEST, ...BODY, ...TENANT, ...CLIENT, ...PROTECTION, 'strategy_not_supported', 'connection_not_found',
    'connection_disabled', 'wrong_verification_code'],
  'GET /.well-known/jwks.json': [...EVERY_REQUEST, 'unknown_tenant'],
  'GET /.well-known/openid-configuration': [...EVERY_REQUEST, 'unknown_tenant'],
  'GET /mfa/authenticators': [...EVERY_REQUEST, ...TENANT, ...MFA_API, ...MFA_TOKEN, 'access_token_missing'],
  'POST /mfa/associate': [...EVERY_REQUEST, ...BODY, ...TENANT, ...MFA_API, ...MFA_TOKEN, 'access_token_missing',
    'mfa_unsupported_authenticator_type', 'mfa_invalid_phone_number'],
  'POST /mfa/challenge': [...EVERY_REQUEST, ...BODY, ...TENANT, ...CLIENT, ...MFA_TOKEN, 'mfa_too_many_sms', 'mfa_unsupported_challenge_type',
    'mfa_authenticator_not_active'],
  'DELETE /mfa/authenticators/:id': [...EVERY_REQUEST, ...TENANT, 'access_token_missing', 'access_token_invalid', 'access_token_expired',
    'mfa_remove_scope_missing', 'mfa_authenticator_not_found'],
  'GET /health/live': ['server_error', 'method_not_allowed'],
  'GET /health/ready': ['not_ready', 'server_error', 'method_not_allowed'],
}

/** Answered for a path no route has, so documented once for the whole API (components.responses). */
export const ANY_PATH_ERRORS: ErrorKey[] = ['not_found']
