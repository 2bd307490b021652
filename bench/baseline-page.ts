// The baseline: the same message loop through a plain Socket.IO relay between two pages. With
// `?dc` the pages instead open a bare RTCDataChannel (signaled through the same relay) and run the
// loop over it: no app, no crypto, no framework, the floor of any WebRTC chat on this machine.
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server } from 'socket.io'

const page = `<!doctype html><meta charset="utf-8"><title>relay baseline</title>
<textarea data-testid="message-input"></textarea><ol id="log"></ol>
<script src="/socket.io.min.js"></script><script src="/baseline.js"></script>`

// Mirrors the app's hot path minus the crypto: Enter → emit; receive → append a message node.
const script = `
const socket = io({ transports: ['websocket'] })
const input = document.querySelector('textarea')
const log = document.getElementById('log')
input.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter' || event.shiftKey) return
  event.preventDefault()
  socket.emit('m', input.value)
  input.value = ''
})
socket.on('ready', () => (window.relayReady = true))
const show = (text) => {
  const li = document.createElement('li')
  li.dataset.testid = 'message'
  li.dataset.from = 'them'
  li.textContent = text
  log.append(li)
}
socket.on('m', show)
if (location.search === '?dc') {
  let role = 0
  let channel = null
  const pc = new RTCPeerConnection()
  const use = (dc) => {
    channel = dc
    dc.onopen = () => (window.dcReady = true)
    dc.onmessage = (event) => show(event.data)
  }
  // Whole descriptions once gathering is done: two signals, nothing to trickle.
  const gathered = () => new Promise((done) => pc.iceGatheringState === 'complete' ? done() :
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && done()))
  socket.on('role', (n) => (role = n))
  socket.on('ready', async () => {
    if (role !== 1) return
    use(pc.createDataChannel('bench'))
    await pc.setLocalDescription(await pc.createOffer())
    await gathered()
    socket.emit('sig', pc.localDescription.toJSON())
  })
  socket.on('sig', async (description) => {
    await pc.setRemoteDescription(description)
    if (description.type !== 'offer') return
    pc.ondatachannel = (event) => use(event.channel)
    await pc.setLocalDescription(await pc.createAnswer())
    await gathered()
    socket.emit('sig', pc.localDescription.toJSON())
  })
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.shiftKey) return
    event.stopImmediatePropagation()
    event.preventDefault()
    channel.send(input.value)
    input.value = ''
  }, true)
}
`

export interface Baseline {
  url: string
  close(): Promise<void>
}

export async function startBaseline(): Promise<Baseline> {
  const client = await readFile('node_modules/socket.io-client/dist/socket.io.min.js', 'utf8')
  const http = createServer((req, res) => {
    const body = req.url === '/socket.io.min.js' ? client : req.url === '/baseline.js' ? script : page
    const type = req.url?.endsWith('.js') ? 'text/javascript' : 'text/html'
    res.writeHead(200, { 'Content-Type': type })
    res.end(body)
  })
  const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false })
  let joined = 0
  io.on('connection', (socket) => {
    socket.emit('role', ++joined)
    socket.on('m', (text: unknown) => socket.broadcast.emit('m', text))
    socket.on('sig', (description: unknown) => socket.broadcast.emit('sig', description))
    // Both pages learn when the pair is complete, so the loop never starts into the void.
    if (io.engine.clientsCount >= 2) io.emit('ready')
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => void io.close(() => resolve())),
  }
}
