// The message list as Svelte renders it (happy-dom): what a saved or live chat can hold must not break it.
import { flushSync, mount, unmount } from 'svelte'
import { afterEach, expect, it } from 'vitest'
import MessageList from '../../app/src/components/MessageList.svelte'
import type { StoredMessage } from '../../app/src/lib/history/record.ts'

let cleanup: () => void = () => {}
afterEach(() => cleanup())

function render(messages: StoredMessage[]): HTMLElement {
  const target = document.body.appendChild(document.createElement('div'))
  const list = mount(MessageList, { target, props: { messages, partnerName: 'Bold Lynx' } })
  flushSync()
  cleanup = () => (unmount(list), target.remove())
  return target
}

it('shows our message and a partner message that reuses its id (a chat saved before ids were checked)', () => {
  const target = render([
    { id: 'shared-abcdef', from: 'me', text: 'hello', at: 1, status: 'delivered' },
    { id: 'shared-abcdef', from: 'them', text: 'I agree', at: 2, status: 'received' },
  ])
  const shown = [...target.querySelectorAll('[data-testid="message"]')]
  expect(shown.map((li) => [li.getAttribute('data-from'), li.querySelector('.text')?.textContent?.trim()])).toEqual([
    ['me', 'hello'],
    ['them', 'I agree'],
  ])
})
