// Work that can wait for a quiet moment: Safari lacks requestIdleCallback, so a timer there.
export function whenIdle(task: () => void, timeoutMs = 2000): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(task, { timeout: timeoutMs })
  else setTimeout(task, 0)
}
