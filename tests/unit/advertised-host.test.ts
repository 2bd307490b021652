import { describe, expect, it } from 'vitest'
import { hostOfHeader, ownStunUrl } from '../../signaling/stun/advertised-host.ts'

describe('hostOfHeader', () => {
  it.each([
    ['chat.example.com', 'chat.example.com'],
    ['Chat.Example.COM:443', 'chat.example.com'],
    ['203.0.113.4:8080', '203.0.113.4'],
    ['[2001:db8::1]', '[2001:db8::1]'],
    ['[2001:DB8::1]:8443', '[2001:db8::1]'],
    ['localhost', 'localhost'],
  ])('reads %s as %s', (header, host) => {
    expect(hostOfHeader(header)).toBe(host)
  })

  it.each([
    undefined,
    '',
    ':8080',
    'a b',
    'evil.example/path',
    '[not-v6]:80',
    'x:y:z',
    'a..b',
    `${'a'.repeat(64)}.example`,
  ])('refuses %s', (header) => {
    expect(hostOfHeader(header)).toBeNull()
  })
})

describe('ownStunUrl', () => {
  const on = { stunPort: 3478, stunHost: '127.0.0.1', publicHost: undefined }

  it('is empty while STUN is off', () => {
    expect(ownStunUrl({ ...on, stunPort: 0 }, 'chat.example.com')).toBe('')
  })

  it('prefers PUBLIC_HOST, then the Host header, then the address STUN listens on', () => {
    expect(ownStunUrl({ ...on, publicHost: 'hush.example' }, 'chat.example.com')).toBe('stun:hush.example:3478')
    expect(ownStunUrl(on, 'chat.example.com:8080')).toBe('stun:chat.example.com:3478')
    expect(ownStunUrl(on, undefined)).toBe('stun:127.0.0.1:3478')
    expect(ownStunUrl({ ...on, stunHost: '::1' }, 'garbage host')).toBe('stun:[::1]:3478')
  })

  it('names nothing when it listens on a wildcard and the client gave no usable Host', () => {
    expect(ownStunUrl({ ...on, stunHost: '0.0.0.0' }, undefined)).toBe('')
    expect(ownStunUrl({ ...on, stunHost: '::' }, '???')).toBe('')
  })
})
