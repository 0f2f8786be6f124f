// The HTTP delivery provider against a real gateway server: what it sends, and how each way a
// gateway can fail (refusal, error page, no answer, no server) becomes sms_provider_error without
// touching the user's current code or creating anyone.
import net from 'node:net'
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { REFUSAL, startGateway } from './helpers/delivery-gateway.js'
import { PHONE, otpLogin, passwordlessFixture, startLogin } from './helpers/passwordless.js'

const providerError = (description: string) => ({ error: 'sms_provider_error', error_description: description })

t.test('a message reaches the gateway as JSON, and its code logs in', async (t) => {
  const gateway = await startGateway(t)
  const app = await buildTestApp(t, { document: passwordlessFixture({ gatewayUrl: gateway.url }) })

  const res = await startLogin(app, { connection: 'sms-gateway' }, { 'x-request-language': 'fr' })
  t.equal(res.statusCode, 200)
  t.equal(gateway.received.length, 1)
  const [sms] = gateway.received
  t.same(sms, {
    _contentType: 'application/json',
    channel: 'sms',
    to: PHONE,
    subject: null,
    text: `Your verification code is: ${sms.code}. It expires in 3 minutes.`,
    code: sms.code,
    link: null,
    send: 'code',
    language: 'fr',
    tenant: 'acme',
    connection: 'sms-gateway',
    client_id: 'app',
  })
  t.match(sms.code, /^\d{6}$/)
  t.equal((await otpLogin(app, 'sms-gateway', PHONE, sms.code)).statusCode, 200)

  await startLogin(app, { connection: 'email-gateway', phone_number: undefined, email: 'gw@acme.test', send: 'link' })
  t.match(gateway.received[1], {
    channel: 'email', to: 'gw@acme.test', subject: 'Your login link', send: 'link', language: null,
    link: `com.acme.app://login/callback?verification_code=${gateway.received[1].code}&connection=email-gateway&email=gw%40acme.test`,
  })
})

t.test('a failing gateway: 400 sms_provider_error, and nothing about the user changes', async (t) => {
  const gateway = await startGateway(t)
  const app = await buildTestApp(t, { document: passwordlessFixture({ gatewayUrl: gateway.url }) })
  t.equal((await startLogin(app, { connection: 'sms-gateway' })).statusCode, 200)
  const delivered = gateway.received[0].code

  gateway.mode = 'refuse'
  const refused = await startLogin(app, { connection: 'sms-gateway' })
  t.equal(refused.statusCode, 400)
  t.same(refused.json(), providerError(`${REFUSAL.message} (Code: ${REFUSAL.code})`), 'the gateway\'s message and code')

  gateway.mode = 'plain-error'
  const broken = await startLogin(app, { connection: 'sms-gateway' })
  t.same(broken.json(), providerError('The delivery gateway answered HTTP 502 (Code: 502)'))

  const fresh = '+15550000077'
  t.equal((await startLogin(app, { connection: 'sms-gateway', phone_number: fresh })).statusCode, 400)
  const { store } = app.tollgate
  const connection = await store.connectionByName((await store.tenantByName('acme'))!.id, 'sms-gateway')
  t.equal(await store.userByLogin(connection!.id, fresh), undefined, 'no user created')
  t.equal((await otpLogin(app, 'sms-gateway', fresh, gateway.received.at(-1)!.code)).statusCode, 403, 'the undelivered code is not valid')

  t.equal((await otpLogin(app, 'sms-gateway', PHONE, delivered)).statusCode, 200, 'the last delivered code is still the valid one')
})

t.test('a gateway that does not answer in time', async (t) => {
  const gateway = await startGateway(t)
  gateway.mode = 'hang'
  const app = await buildTestApp(t, { document: passwordlessFixture({ gatewayUrl: gateway.url, gatewayTimeoutMs: 200 }) })
  const res = await startLogin(app, { connection: 'sms-gateway' })
  t.equal(res.statusCode, 400)
  t.same(res.json(), providerError('The delivery gateway did not answer in time (Code: timeout)'))
  t.equal(gateway.received.length, 1, 'the message did reach it')
  t.equal((await otpLogin(app, 'sms-gateway', PHONE, gateway.received[0].code)).statusCode, 403, 'its code is not valid')
})

t.test('a gateway nobody listens on', async (t) => {
  const closed = await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
  const app = await buildTestApp(t, { document: passwordlessFixture({ gatewayUrl: `http://127.0.0.1:${closed}/messages` }) })
  const res = await startLogin(app, { connection: 'sms-gateway' })
  t.equal(res.statusCode, 400)
  t.same(res.json(), providerError('The delivery gateway could not be reached (Code: ECONNREFUSED)'))
})
