// Baseline for bench:signaling: a plain Socket.IO server with default options doing naive FIFO
// pairing (an array queue, no validation, no acks, no limits, no metrics). Same event names as Hush
// so the same load clients drive both.
import { createServer } from 'node:http'
import { Server, type Socket } from 'socket.io'
import { serveBenchIpc } from '../lib/server-ipc.ts'

const http = createServer()
const io = new Server(http)
const queue: Socket[] = []
const partners = new Map<string, string>()

io.on('connection', (socket) => {
  socket.on('match:find', () => {
    const other = queue.shift()
    if (!other || other === socket) {
      queue.push(socket)
      return
    }
    partners.set(socket.id, other.id)
    partners.set(other.id, socket.id)
    other.emit('match:found', { chatId: `${other.id}:${socket.id}`, initiator: true, partner: { name: 'x' } })
    socket.emit('match:found', { chatId: `${other.id}:${socket.id}`, initiator: false, partner: { name: 'x' } })
  })
  socket.on('signal:relay', (signal: unknown) => {
    const partner = partners.get(socket.id)
    if (partner) io.to(partner).emit('signal:relay', signal)
  })
  // The same binary relay as Hush's relay:frame: the frame as received, to the partner.
  socket.on('relay:frame', (frame: Buffer) => {
    const partner = partners.get(socket.id)
    if (partner) io.to(partner).emit('relay:frame', frame)
  })
  socket.on('match:leave', (request: { reason?: string }) => {
    const partner = partners.get(socket.id)
    if (!partner) return
    partners.delete(socket.id)
    partners.delete(partner)
    io.to(partner).emit('match:ended', { chatId: '', reason: request?.reason ?? 'left' })
  })
  socket.on('disconnect', () => {
    const index = queue.indexOf(socket)
    if (index >= 0) queue.splice(index, 1)
    const partner = partners.get(socket.id)
    if (partner) {
      partners.delete(partner)
      io.to(partner).emit('match:ended', { chatId: '', reason: 'disconnected' })
    }
    partners.delete(socket.id)
  })
})

http.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => serveBenchIpc(http))
