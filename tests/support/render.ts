// Mounts a component in happy-dom's document for a test, and removes it afterwards.
import { flushSync, mount, unmount, type Component } from 'svelte'

const mounted: (() => void)[] = []

export function render<Props extends Record<string, unknown>>(component: Component<Props>, props: Props): HTMLElement {
  const target = document.createElement('div')
  document.body.append(target)
  const instance = mount(component, { target, props })
  flushSync()
  mounted.push(() => {
    void unmount(instance)
    target.remove()
  })
  return target
}

export function cleanup(): void {
  for (const undo of mounted.splice(0)) undo()
}

export const byTestId = (root: ParentNode, id: string): HTMLElement | null =>
  root.querySelector(`[data-testid="${id}"]`)

/** The text screen readers are told about: every element that is a live region (by role or aria-live). */
export function liveRegions(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('[aria-live], [role="status"], [role="log"], [role="alert"]')].filter(
    (el) => el.getAttribute('aria-live') !== 'off',
  )
}
