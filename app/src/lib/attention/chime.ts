// A short two-note chime made with WebAudio: no sound file to fetch, nothing asked of a third party.

/** The notes (Hz) and how long each sounds (s): a soft rising fifth, about a fifth of a second in all. */
const notes = [880, 1320] as const
const noteS = 0.09
const peakGain = 0.12

let context: AudioContext | null = null

/** Plays the chime; silently nothing where the browser has no WebAudio or refuses to start it. */
export function chime(): void {
  try {
    const audio = (context ??= new AudioContext())
    // A context made without a click starts suspended; a page the person has used may resume it.
    if (audio.state === 'suspended') void audio.resume().catch(() => {})
    notes.forEach((frequency, i) => play(audio, frequency, audio.currentTime + i * noteS))
  } catch {
    // No audio output, or no WebAudio: the notification is still there.
  }
}

function play(audio: AudioContext, frequency: number, at: number): void {
  const oscillator = new OscillatorNode(audio, { type: 'sine', frequency })
  const gain = new GainNode(audio, { gain: 0 })
  // Exponential ramps in and out: a bare start or stop clicks.
  gain.gain.setValueAtTime(0.0001, at)
  gain.gain.exponentialRampToValueAtTime(peakGain, at + 0.01)
  gain.gain.exponentialRampToValueAtTime(0.0001, at + noteS)
  oscillator.connect(gain).connect(audio.destination)
  oscillator.start(at)
  oscillator.stop(at + noteS)
}
