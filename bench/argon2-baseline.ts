// Raw argon2id verify throughput: the ceiling of a password login on this machine, measured with the
// server's parameters, the same thread pool, and as many verifies in flight as the load has
// connections. Run as its own process so that its thread pool is the same size as the server's.
import argon2 from 'argon2'

const [memoryCost, timeCost, parallelism, concurrency, seconds] = process.argv.slice(2).map(Number)
const options = { type: argon2.argon2id as 2, memoryCost, timeCost, parallelism }
const hash = await argon2.hash('bench password', options)

let done = 0
let stop = false
const latencies: number[] = []
async function worker () {
  while (!stop) {
    const start = performance.now()
    await argon2.verify(hash, 'bench password')
    latencies.push(performance.now() - start)
    done++
  }
}
const started = performance.now()
setTimeout(() => { stop = true }, seconds * 1000)
await Promise.all(Array.from({ length: concurrency }, worker))
const elapsed = (performance.now() - started) / 1000
latencies.sort((a, b) => a - b)
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]
process.stdout.write(JSON.stringify({ rps: done / elapsed, p50: at(0.5), p99: at(0.99) }) + '\n')
