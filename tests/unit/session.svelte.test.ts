// The session state machine without a browser: a fake signaling socket the test speaks for the server.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushSync } from 'svelte'
import type { HistoryStore } from '../../app/src/lib/history/store.ts'
import { Library } from '../../app/src/lib/history/library.svelte.ts'
import { Session } from '../../app/src/lib/session.svelte.ts'
import type { SignalingSocket } from '../../app/src/lib/matchmaking/signaling.ts'
import { defaultLimits } from '#protocol'

type Handler = (...args: unknown[]) => void

/** Records what the app emits and plays the server's events to it. */
class FakeSocket {
  readonly emitted: { event: string; args: unknown[] }[] = []
  readonly #handlers = new Map<string, Handler[]>()
  on(event: string, handler: Handler): this {
    this.#handlers.set(event, [...(this.#handlers.get(event) ?? []), handler])
    return this
  }
  emit(event: string, ...args: unknown[]): this {
    this.emitted.push({ event, args })
    return this
  }
  server(event: string, ...args: unknown[]): void {
    for (const handler of this.#handlers.get(event) ?? []) handler(...args)
    flushSync()
  }
  events = () => this.emitted.map((e) => e.event)
  /** Answers the last request of this event through its ack. */
  answer(event: string, ...reply: unknown[]): void {
    const last = this.emitted.filter((e) => e.event === event).at(-1)
    const ack = last?.args.at(-1)
    if (typeof ack !== 'function') throw new Error(`no ack for ${event}`)
    ;(ack as Handler)(...reply)
    flushSync()
  }
}

/** History that opens and keeps nothing: these tests are about the session, not IndexedDB. */
const emptyHistory: HistoryStore = {
  write: async () => {},
  summaries: async () => [],
  load: async () => null,
  records: async () => [],
  add: async () => [],
  remove: async () => {},
  removeAll: async () => {},
}

async function connected() {
  const socket = new FakeSocket()
  const session = new Session(socket as unknown as SignalingSocket, new Library(async () => emptyHistory))
  socket.server('connect')
  socket.server('session:welcome', {
    name: 'Calm Otter',
    limits: { ...defaultLimits, maxMessageChars: 300 },
    iceServers: [],
    relayOnly: false,
  })
  await session.search.ready() // a search leaves at once from now on
  return { socket, session, notices: () => session.board.items.map((n) => n.text) }
}

const finds = (socket: FakeSocket) => socket.events().filter((e) => e === 'match:find').length

describe('Session', () => {
  it('takes its name, limits and presence from the server', async () => {
    const { socket, session } = await connected()
    expect(session.connected).toBe(true)
    expect(session.myName).toBe('Calm Otter')
    expect(session.limits.maxMessageChars).toBe(300)
    socket.server('presence:update', { online: 7, searching: 2, chatting: 4 })
    expect(session.presence).toEqual({ online: 7, searching: 2, chatting: 4 })
  })

  it('searches on Start and goes back to the lobby, saying why, when the server refuses', async () => {
    const { socket, session, notices } = await connected()
    session.start()
    expect(session.state).toBe('searching')
    expect(socket.events()).toContain('match:find')
    socket.answer('match:find', { code: 'unavailable', message: 'matchmaking is unavailable; retry soon' })
    expect(session.state).toBe('idle')
    expect(notices()).toContainEqual(expect.stringMatching(/Could not search: matchmaking is unavailable/))
  })

  describe('a search refused for now', () => {
    afterEach(() => vi.useRealTimers())

    it('is tried again a second later when too fast, and given up after a few tries', async () => {
      vi.useFakeTimers()
      const { socket, session, notices } = await connected()
      session.start()
      for (let attempt = 1; attempt <= 6; attempt++) {
        socket.answer('match:find', { code: 'rate-limited', message: 'slow down' })
        expect(session.state).toBe('searching')
        vi.advanceTimersByTime(1_099)
        expect(finds(socket)).toBe(attempt)
        vi.advanceTimersByTime(1)
        expect(finds(socket)).toBe(attempt + 1)
      }
      expect(notices()).toEqual([])
      socket.answer('match:find', { code: 'rate-limited', message: 'slow down' })
      expect(session.state).toBe('idle')
      expect(notices()).toContainEqual(expect.stringMatching(/Could not search: too many requests/))
    })

    it('leaves first when the server still pairs us, and searches only once the leave is through', async () => {
      vi.useFakeTimers()
      const { socket, session } = await connected()
      session.start()
      socket.answer('match:find', { code: 'already-chatting', message: 'leave the current chat before searching' })
      expect(socket.emitted.at(-1)).toMatchObject({
        event: 'match:leave',
        args: [{ reason: 'left' }, expect.any(Function)],
      })
      // The leave itself is refused as too fast: the leave is tried again, not the find (each try one token).
      socket.answer('match:leave', { code: 'rate-limited', message: 'slow down' })
      vi.advanceTimersByTime(1_100)
      expect(socket.events().slice(-2)).toEqual(['match:leave', 'match:leave'])
      expect(finds(socket)).toBe(1)
      socket.answer('match:leave', null)
      expect(socket.events().at(-1)).toBe('match:find')
      expect(session.state).toBe('searching')
    })

    it('is not tried again after a cancel', async () => {
      vi.useFakeTimers()
      const { socket, session } = await connected()
      session.start()
      socket.answer('match:find', { code: 'rate-limited', message: 'slow down' })
      session.cancel()
      vi.advanceTimersByTime(5_000)
      expect(finds(socket)).toBe(1)
      expect(session.state).toBe('idle')
    })
  })

  it('searches again when the server goes away while connecting (the pair is gone with it)', async () => {
    const { socket, session } = await connected()
    session.start()
    socket.server('match:found', { chatId: 'chat-1', initiator: true, partner: { name: 'Bold Lynx' }, common: [] })
    expect(session.state).toBe('connecting')
    socket.server('disconnect', 'transport close')
    expect(session.state).toBe('searching')
    expect(session.board.items.map((n) => n.text)).toContainEqual(expect.stringMatching(/That stranger is gone/))
    const before = finds(socket)
    socket.server('connect')
    // The chat took the signing keys: the next search waits for fresh ones, then leaves.
    await vi.waitFor(() => expect(finds(socket)).toBe(before + 1))
  })

  it('keeps the name the partner knew us by on the chat view, even after a reconnect renames us', async () => {
    const { socket, session } = await connected()
    session.start()
    socket.server('match:found', { chatId: 'chat-1', initiator: true, partner: { name: 'Bold Lynx' }, common: [] })
    // No WebRTC here: the peer cannot be made, so the attempt fails; the ended view stays on this chat.
    await vi.waitFor(() => expect(session.state).toBe('ended'))
    socket.server('disconnect', 'transport close')
    socket.server('connect')
    socket.server('session:welcome', { name: 'Brave Heron', limits: defaultLimits, iceServers: [], relayOnly: false })
    expect(session.myName).toBe('Brave Heron')
    expect(session.nameInChat).toBe('Calm Otter')
  })

  it('cancels a search', async () => {
    const { socket, session } = await connected()
    session.start()
    session.cancel()
    expect(session.state).toBe('idle')
    expect(socket.events().at(-1)).toBe('match:cancel')
  })

  it('keeps searching through a signaling outage and asks again once reconnected', async () => {
    const { socket, session, notices } = await connected()
    session.start()
    socket.server('disconnect', 'transport close')
    expect(session.state).toBe('searching')
    expect(notices()).toContainEqual(expect.stringMatching(/offline\. Reconnecting/))
    const finds = socket.events().filter((e) => e === 'match:find').length
    socket.server('connect')
    expect(socket.events().filter((e) => e === 'match:find')).toHaveLength(finds + 1)
    expect(notices().some((text) => /offline/.test(text))).toBe(false)
  })

  it('explains an admission refusal, and ignores other connection errors', async () => {
    const { socket, notices } = await connected()
    socket.server('connect_error', new Error('xhr poll error'))
    expect(notices()).toEqual([])
    socket.server(
      'connect_error',
      Object.assign(new Error('rate-limited'), { data: { code: 'rate-limited', message: 'too many' } }),
    )
    expect(notices()).toEqual([expect.stringMatching(/too many connections in the last minute/)])
  })

  it('releases a stranger matched after the search was cancelled', async () => {
    const { socket, session } = await connected()
    session.start()
    session.cancel()
    socket.server('match:found', { chatId: 'chat-1', initiator: true, partner: { name: 'Bold Lynx' }, common: [] })
    expect(session.state).toBe('idle')
    expect(socket.emitted.at(-1)).toMatchObject({ event: 'match:leave', args: [{ reason: 'left' }] })
  })

  it('shows server errors, except the shutdown notice (the reconnect covers it)', async () => {
    const { socket, notices } = await connected()
    socket.server('session:error', { code: 'unavailable', message: 'server is shutting down' })
    expect(notices()).toEqual([])
    socket.server('session:error', { code: 'bad-payload', message: 'nope' })
    // The code's meaning, worded for a person; never the server's raw message.
    expect(notices()).toEqual([expect.stringMatching(/^Server: this app sent a request the server did not understand/)])
  })

  it('sends nothing while idle or searching: no chat, no message', async () => {
    const { socket, session } = await connected()
    expect(session.send('hello')).toBe(false)
    session.start()
    expect(session.send('hello')).toBe(false)
    expect(socket.events()).toEqual(['match:find'])
  })
  describe('a search with interests', () => {
    afterEach(() => {
      vi.useRealTimers()
      localStorage.clear() // the preferences are remembered
    })

    it('sends the person’s interests, strictness and language with every find', async () => {
      const { socket, session } = await connected()
      session.search.preferences.add('Chess')
      session.search.preferences.setLang('it')
      session.start()
      const find = socket.emitted.filter((e) => e.event === 'match:find').at(-1)
      expect(find?.args[0]).toEqual({
        interests: ['chess'],
        lang: 'it',
        signKey: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
      })
    })

    it('announces a new signing key after a cancel: one search never links to the next', async () => {
      const { socket, session } = await connected()
      const keyOfLastFind = () =>
        (socket.emitted.filter((e) => e.event === 'match:find').at(-1)?.args[0] as { signKey?: string }).signKey
      session.start()
      const first = keyOfLastFind()
      session.cancel()
      await session.search.ready()
      session.start()
      expect(keyOfLastFind()).toMatch(/^[A-Za-z0-9+/]{43}=$/)
      expect(keyOfLastFind()).not.toBe(first)
    })

    it('says once, when the server’s wait is over, that the search is open to anyone', async () => {
      vi.useFakeTimers()
      const { socket, session } = await connected()
      socket.server('session:welcome', { name: 'Calm Otter', limits: { ...defaultLimits, interestWaitMs: 2_000 } })
      session.search.preferences.add('chess')
      session.start()
      vi.advanceTimersByTime(1_999)
      expect(session.search.scope.opened).toBe(false)
      vi.advanceTimersByTime(1)
      flushSync()
      expect(session.search.scope.opened).toBe(true)
      expect(session.board.announcement).toMatch(/open to anyone/)
    })
  })
})
