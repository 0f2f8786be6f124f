// The data every Tollgate scenario runs against.
export const BENCH_PASSWORD = 'bench password 0123'
export const BENCH_HOST = '127.0.0.1'

export const benchDocument = {
  tenants: [{
    name: 'bench',
    hosts: [BENCH_HOST, 'localhost'],
    default: true,
    default_connection: 'db',
    connections: [{ name: 'db', strategy: 'database', enabled_clients: ['bench-spa'] }],
    clients: [{
      client_id: 'bench-spa',
      name: 'Bench SPA',
      type: 'spa',
      grant_types: ['password', 'http://auth0.com/oauth/grant-type/password-realm', 'refresh_token'],
    }],
    users: [
      { connection: 'db', email: 'user@bench.test', email_verified: true, password: BENCH_PASSWORD },
      { connection: 'db', email: 'blocked@bench.test', email_verified: true, password: BENCH_PASSWORD, blocked: true },
    ],
  }],
}

export const roLogin = (fields: Record<string, string> = {}) => ({
  grant_type: 'password',
  client_id: 'bench-spa',
  connection: 'db',
  username: 'user@bench.test',
  password: BENCH_PASSWORD,
  scope: 'openid profile email',
  ...fields,
})
