// What reports, bans and blocks know of an address: HMAC-SHA256 of its address key (IPv4, or the IPv6 /64;
// signaling/address-key.ts) under the safety secret. Never the address itself: without the secret a hash
// cannot be tested against guessed addresses.
import { createHmac } from 'node:crypto'

export type AddressHasher = (addressKey: string) => string

/** 32 hex characters (128 bits): collision-free in practice, short in the operator's listings. */
export function createAddressHasher(key: string): AddressHasher {
  return (addressKey) => createHmac('sha256', key).update(addressKey).digest('hex').slice(0, 32)
}

/** The shape of a hash as the operator API takes it back. */
export const isAddressHash = (value: string): boolean => /^[0-9a-f]{32}$/.test(value)
