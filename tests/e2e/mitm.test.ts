/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { closeBrowsers, launchBrowser } from '../support/browser.ts'
import { closeUsers, expectState, lastText, openApp, send, start, type AppUser } from '../support/app.ts'
import { startMitmServer, type MitmServer } from './fixtures/mitm-server.ts'

let mitm: MitmServer
let victims: Browser
let attacker: Browser
let middleLeft: AppUser
let middleRight: AppUser
let alice: AppUser
let bob: AppUser

const code = (user: AppUser) => user.page.getByTestId('safety-code').textContent()

beforeAll(async () => {
  mitm = await startMitmServer('app/dist')
  ;[victims, attacker] = await Promise.all([launchBrowser(), launchBrowser()])
  // The middle runs the real app in its own Chromium process, one page per victim.
  middleLeft = await openApp(attacker, mitm.url)
  middleRight = await openApp(attacker, mitm.url)
  alice = await openApp(victims, mitm.url)
  bob = await openApp(victims, mitm.url)
})
afterAll(async () => {
  await closeUsers(middleLeft, middleRight, alice, bob)
  await closeBrowsers()
  await mitm.close()
})

describe('a malicious signaling server in the middle', () => {
  it('can relay the conversation, but the two victims’ safety codes differ', async () => {
    await Promise.all([middleLeft, middleRight, alice, bob].map(start))
    await Promise.all([middleLeft, middleRight, alice, bob].map((u) => expectState(u, 'chatting')))
    expect(await alice.page.getByTestId('partner-name').textContent()).toBe('Bob Victim')
    expect(await bob.page.getByTestId('partner-name').textContent()).toBe('Alice Victim')

    // The middle bridges a message: Alice → middle-left → (attacker reads it) → middle-right → Bob.
    await send(alice, 'meet at noon')
    await expect.poll(() => lastText(middleLeft, 'them')).toBe('meet at noon')
    await send(middleRight, (await lastText(middleLeft, 'them'))!)
    await expect.poll(() => lastText(bob, 'them')).toBe('meet at noon')

    const [aliceCode, bobCode, leftCode, rightCode] = await Promise.all([alice, bob, middleLeft, middleRight].map(code))
    expect(aliceCode).toMatch(/^\d{3} \d{3} \d{3} \d{3}$/)
    expect(aliceCode).not.toBe(bobCode)
    // Each code describes the connection really made: Alice's matches the middle's left page.
    expect(aliceCode).toBe(leftCode)
    expect(bobCode).toBe(rightCode)
  })
})
