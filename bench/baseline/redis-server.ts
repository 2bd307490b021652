// Naive scale-out baseline for bench:signaling --redis: plain Socket.IO (default options) with the
// Redis adapter, a Redis list as the queue and a Redis hash for pairs, one round trip per
// operation (LPOP, RPUSH, HSET, HGET, HDEL), sockets addressed by their own id across nodes.
// Not atomic (two searchers can both miss each other): that is what "naive" means here.
import { createServer } from 'node:http'
import { createAdapter } from '@socket.io/redis-adapter'
import { Redis } from 'ioredis'
import { Server } from 'socket.io'
import { serveBenchIpc } from '../lib/server-ipc.ts'

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const redis = new Redis(url)
const subscriber = redis.duplicate()
for (const client of [redis, subscriber]) client.on('error', () => {})
const http = createServer()
const io = new Server(http, { adapter: createAdapter(redis, subscriber) })

io.on('connection', (socket) => {
  socket.on('match:find', async () => {
    const other = await redis.lpop('baseline:queue')
    if (!other || other === socket.id) {
      await redis.rpush('baseline:queue', socket.id)
      return
    }
    await redis.hset('baseline:partners', socket.id, other, other, socket.id)
    const chatId = `${other}:${socket.id}`
    io.to(other).emit('match:found', { chatId, initiator: true, partner: { name: 'x' } })
    socket.emit('match:found', { chatId, initiator: false, partner: { name: 'x' } })
  })
  socket.on('signal:relay', async (signal: unknown) => {
    const partner = await redis.hget('baseline:partners', socket.id)
    if (partner) io.to(partner).emit('signal:relay', signal)
  })
  socket.on('match:leave', async (request: { reason?: string }) => {
    const partner = await redis.hget('baseline:partners', socket.id)
    if (!partner) return
    await redis.hdel('baseline:partners', socket.id, partner)
    io.to(partner).emit('match:ended', { chatId: '', reason: request?.reason ?? 'left' })
  })
  socket.on('disconnect', async () => {
    await redis.lrem('baseline:queue', 0, socket.id)
    const partner = await redis.hget('baseline:partners', socket.id)
    if (!partner) return
    await redis.hdel('baseline:partners', socket.id, partner)
    io.to(partner).emit('match:ended', { chatId: '', reason: 'disconnected' })
  })
})

http.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => serveBenchIpc(http))
