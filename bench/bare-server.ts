// The baselines' server: a bare Fastify app in the same process setup as Tollgate (one process,
// JSON body, loopback), with no store, no hashing and no tokens. Routes:
//   POST /bare        echoes a fixed JSON body: the cost of HTTP + JSON alone;
//   POST /sign-work   does the signature work of a JWT grant: one verify of BENCH_SIGN_VERIFY
//                     (RS256, ES256, EdDSA or none) and BENCH_SIGN_COUNT RS256 signs.
import Fastify from 'fastify'
import { createSigner, createVerifier } from 'fast-jwt'
import { generateKeyPairSync } from 'node:crypto'

function key (alg: string) {
  const pair = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519')
  return {
    privatePem: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicPem: pair.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  }
}

const verifyAlg = process.env.BENCH_SIGN_VERIFY ?? 'RS256'
const signCount = Number(process.env.BENCH_SIGN_COUNT ?? 2)
const signKey = key('RS256')
const sign = createSigner({ key: signKey.privatePem, algorithm: 'RS256', kid: 'k' })

function verifier (): () => { sub: string } {
  if (verifyAlg === 'none') return () => ({ sub: 'user' })
  const verifyKey = key(verifyAlg)
  const presented = createSigner({ key: verifyKey.privatePem, algorithm: verifyAlg as any, expiresIn: 3600_000 })({ sub: 'user' })
  const verify = createVerifier({ key: verifyKey.publicPem, algorithms: [verifyAlg as any], cache: false })
  return () => verify(presented) as { sub: string }
}
const verifyPresented = verifier()

const app = Fastify({ logger: false })
app.post('/bare', async () => ({ ok: true }))
app.post('/sign-work', async () => {
  const claims = verifyPresented()
  return { tokens: Array.from({ length: signCount }, (_, i) => sign({ sub: claims.sub, aud: `a${i}` })) }
})
app.listen({ host: '127.0.0.1', port: 0 }).then(() => {
  process.stdout.write(`listening on ${(app.server.address() as { port: number }).port}\n`)
})
