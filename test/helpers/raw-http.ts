// Raw bytes over a real socket, for what an HTTP client library would never send: the answer (or its
// absence) is read until the server closes the connection, within a deadline.
import net from 'node:net'

export interface RawAnswer {
  status?: number
  headers: Record<string, string>
  body: string
  /** How the connection ended: 'close' (orderly) or the socket error's code. */
  ended: string
}

/**
 * Sends `chunks` (written one after the other) and reads until the server closes or the deadline
 * passes. With `readAfterWriting`, nothing is read before everything is written, as a client that
 * uploads first and then reads the answer does.
 */
export function rawRequest (port: number, chunks: Array<string | Buffer>, deadlineMs = 15000, { readAfterWriting = false } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port })
    const received: Buffer[] = []
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no answer within ${deadlineMs} ms`))
    }, deadlineMs)
    let ended = 'close'
    socket.on('data', (chunk) => received.push(chunk))
    socket.on('error', (err: NodeJS.ErrnoException) => { ended = err.code ?? err.message })
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(parseAnswer(Buffer.concat(received).toString('utf8'), ended))
    })
    if (readAfterWriting) socket.pause()
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) return
        if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve).once('close', resolve))
      }
      socket.resume()
    })
  })
}

export function parseAnswer (text: string, ended = 'close'): RawAnswer {
  const split = text.indexOf('\r\n\r\n')
  if (split === -1) return { headers: {}, body: '', ended }
  const [statusLine, ...lines] = text.slice(0, split).split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: text.slice(split + 4), ended }
}
