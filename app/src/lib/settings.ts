// The person's settings, kept in localStorage (which may be unavailable: then defaults, not errors).

const keys = {
  keepHistory: 'hush.keepHistory',
  hideIp: 'hush.hideIp',
  rulesAccepted: 'hush.rulesAccepted',
  notify: 'hush.notify',
  notifyPreview: 'hush.notifyPreview',
  sound: 'hush.sound',
} as const
export type Setting = keyof typeof keys

export function readSetting(name: Setting, fallback: boolean): boolean {
  return readChoice(name) ?? fallback
}

/** What the person chose, or null when they never did (or storage is refused). */
export function readChoice(name: Setting): boolean | null {
  try {
    const value = localStorage.getItem(keys[name])
    return value === null ? null : value === '1'
  } catch {
    return null
  }
}

export function writeSetting(name: Setting, value: boolean): void {
  try {
    localStorage.setItem(keys[name], value ? '1' : '0')
  } catch {
    // Storage refused: the setting lasts for this page only.
  }
}
