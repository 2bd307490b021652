import { describe, expect, it } from 'vitest'
import { addressKey } from '../../signaling/address-key.ts'

describe('the key per-address limits count under', () => {
  it('is the IPv4 address itself', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7')
    expect(addressKey('198.51.100.4:5678')).toBe('198.51.100.4') // a proxy that appends the port
  })

  it('is the IPv4 address an IPv4-mapped IPv6 address carries', () => {
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7')
    expect(addressKey('::FFFF:cb00:7107')).toBe('203.0.113.7')
    expect(addressKey('0:0:0:0:0:ffff:127.0.0.1')).toBe('127.0.0.1')
    expect(addressKey('[::ffff:127.0.0.1]:80')).toBe('127.0.0.1')
  })

  it('is the /64 of an IPv6 address, however it is written', () => {
    const key = '2001:db8:1:2::/64'
    expect(addressKey('2001:db8:1:2::1')).toBe(key)
    expect(addressKey('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff')).toBe(key)
    expect(addressKey('2001:db8:1:2:a:b:1.2.3.4')).toBe(key)
    expect(addressKey('[2001:db8:1:2::99]:443')).toBe(key)
    expect(addressKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64')
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(addressKey('::1')).toBe('0:0:0:0::/64')
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
    expect(addressKey('::')).toBe('0:0:0:0::/64')
  })

  it('keeps what is no address as it is', () => {
    expect(addressKey('unknown')).toBe('unknown')
    expect(addressKey('2001:db8::1::2')).toBe('2001:db8::1::2')
    expect(addressKey('')).toBe('')
  })
})
