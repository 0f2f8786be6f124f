// The deployment guide's nginx configuration (docs/deploy/nginx-tollgate.conf), run by a real nginx
// in front of Tollgate with TOLLGATE_TRUST_PROXY set to nginx's address only, and the official
// node-auth0 SDK through it: TLS terminated by nginx, the issuer https://<host>/ from the
// forwarded headers, the client's address as nginx saw it.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import net, { type AddressInfo } from 'node:net'
import path from 'node:path'
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { PASSWORD } from './helpers/fixture.js'
import { decodeClaims } from './helpers/http.js'
import { startSdkDriver } from './helpers/sdk.js'
import { makeCertificate } from './helpers/tls.js'
import { sessionsFixture } from './helpers/sessions-fixture.js'

const NGINX = process.env.TOLLGATE_TEST_NGINX ?? '/usr/sbin/nginx'
if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: install Debian's nginx (apt-get install nginx; .ci/run does) or set TOLLGATE_TEST_NGINX`)
const SITE = path.join(import.meta.dirname, '..', 'docs', 'deploy', 'nginx-tollgate.conf')
t.setTimeout(300_000)

const freePort = () => new Promise<number>((resolve) => {
  const server = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo
    server.close(() => resolve(port))
  })
})

t.test('node-auth0 through nginx as the deployment guide configures it', async (t) => {
  const [httpsPort, httpPort] = [await freePort(), await freePort()]
  const document = sessionsFixture()
  document.tenants[0].hosts.push('localhost')
  // As the guide says: the issuer is the tenant's public URL, never built from forwarded headers.
  ;(document.tenants[0] as { public_url?: string }).public_url = `https://localhost:${httpsPort}/`
  const app = await buildTestApp(t, { document, config: { trustProxy: '127.0.0.1' } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const tollgatePort = (app.server.address() as AddressInfo).port

  const tls = makeCertificate(t)
  const prefix = t.testdir()
  mkdirSync(path.join(prefix, 'logs'))
  // The guide's site as written, with this machine's ports, certificate and server name.
  const site = readFileSync(SITE, 'utf8')
    .replace('server 127.0.0.1:3000;', `server 127.0.0.1:${tollgatePort};`)
    .replace('listen 443 ssl;', `listen 127.0.0.1:${httpsPort} ssl;`)
    .replace('listen 80;', `listen 127.0.0.1:${httpPort};`)
    .replaceAll('auth.example.com', 'localhost')
    .replace('/etc/ssl/tollgate/fullchain.pem', tls.certFile)
    .replace('/etc/ssl/tollgate/privkey.pem', tls.keyFile)
  writeFileSync(path.join(prefix, 'nginx.conf'), `
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi; uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;
${site}
}
`)
  const config = ['-p', prefix, '-e', path.join(prefix, 'logs', 'error.log'), '-c', path.join(prefix, 'nginx.conf')]
  execFileSync(NGINX, [...config, '-t'], { stdio: 'pipe' })
  const nginx = spawn(NGINX, [...config, '-g', 'daemon off; master_process off;'], { stdio: ['ignore', 'ignore', 'pipe'] })
  const nginxExited = new Promise((resolve) => nginx.once('exit', resolve))
  t.teardown(async () => { nginx.kill('SIGTERM'); await nginxExited })
  // nginx listens once it has read its configuration; wait (with a deadline) until it answers.
  const deadline = Date.now() + 30_000
  while (!(await fetch(`http://127.0.0.1:${httpPort}/`, { redirect: 'manual' }).then(() => true, () => false))) {
    if (Date.now() > deadline) throw new Error(`nginx does not answer on ${httpPort}: ${readFileSync(path.join(prefix, 'logs', 'error.log'), 'utf8')}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }

  const redirect = await fetch(`http://127.0.0.1:${httpPort}/oauth/token`, { redirect: 'manual' })
  t.equal(redirect.status, 301, 'plain HTTP is sent to HTTPS')

  const call = startSdkDriver(t, tls.certFile)
  const domain = `localhost:${httpsPort}`
  const login = await call({ op: 'auth0', client: { domain, clientId: 'mobile' }, method: 'oauth.passwordGrant',
    args: [{ username: 'alice@acme.test', password: PASSWORD, realm: 'db', scope: 'openid profile offline_access' }] })
  t.equal(login.error, undefined, JSON.stringify(login.error))
  t.match(decodeClaims(login.result.id_token), { iss: `https://${domain}/`, sub: 'auth0|alice' }, 'the SDK validated an https issuer')
  const refreshed = await call({ op: 'auth0', client: { domain, clientId: 'mobile' }, method: 'oauth.refreshToken', args: [{ refresh_token: login.result.refresh_token }] })
  t.equal(refreshed.error, undefined)

  const info = await call({ op: 'auth0', client: { domain, clientId: 'mobile' }, method: 'users.getInfo', args: [refreshed.result.access_token] })
  t.match(info.result, { sub: 'auth0|alice' })
  const wrong = await call({ op: 'auth0', client: { domain, clientId: 'mobile' }, method: 'oauth.passwordGrant', args: [{ username: 'alice@acme.test', password: 'wrong', realm: 'db' }] })
  t.match(wrong.error, { name: 'invalid_grant', statusCode: 403 })
  const acme = (await app.tollgate.store.tenantByName('acme'))!
  const [failed] = await app.tollgate.store.events({ tenantId: acme.id, type: 'failed_login', limit: 1 })
  t.equal(failed.ip, '127.0.0.1', 'the client address is the one nginx saw')

  // Forwarded headers from anyone but nginx are not believed, and the issuer never comes from them.
  const direct = await app.inject({
    method: 'GET', url: '/.well-known/openid-configuration',
    headers: { host: 'localhost', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'evil.test' }, remoteAddress: '203.0.113.9',
  })
  t.equal(direct.json().issuer, `https://localhost:${httpsPort}/`, 'forwarded headers from anyone else change nothing: the issuer is configuration')
})
