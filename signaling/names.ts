// Guest names "Adjective Animal": 100 × 100 = 10,000 combinations, unique among this node's users while any
// is free. With Redis each node keeps its own registry: across nodes two users may share a name.
import { randomInt } from 'node:crypto'

export const adjectives = [
  'Amber',
  'Ancient',
  'Autumn',
  'Bold',
  'Brave',
  'Breezy',
  'Bright',
  'Brisk',
  'Calm',
  'Candid',
  'Cheerful',
  'Clever',
  'Cloudy',
  'Cosmic',
  'Cozy',
  'Crimson',
  'Curious',
  'Dapper',
  'Daring',
  'Dreamy',
  'Dusky',
  'Eager',
  'Electric',
  'Elegant',
  'Emerald',
  'Epic',
  'Fabled',
  'Fancy',
  'Fearless',
  'Feisty',
  'Fluffy',
  'Frosty',
  'Gentle',
  'Giddy',
  'Gilded',
  'Glowing',
  'Golden',
  'Graceful',
  'Grand',
  'Happy',
  'Hidden',
  'Humble',
  'Icy',
  'Jolly',
  'Jovial',
  'Keen',
  'Kind',
  'Lively',
  'Lucky',
  'Lunar',
  'Magic',
  'Mellow',
  'Merry',
  'Midnight',
  'Mighty',
  'Misty',
  'Modest',
  'Mystic',
  'Nimble',
  'Noble',
  'Olive',
  'Patient',
  'Peppy',
  'Playful',
  'Plucky',
  'Polite',
  'Proud',
  'Quick',
  'Quiet',
  'Radiant',
  'Rapid',
  'Rosy',
  'Rustic',
  'Sandy',
  'Scarlet',
  'Serene',
  'Shiny',
  'Silent',
  'Silver',
  'Sleepy',
  'Smooth',
  'Snowy',
  'Solar',
  'Sparkly',
  'Spry',
  'Starry',
  'Stormy',
  'Sunny',
  'Swift',
  'Tidy',
  'Tranquil',
  'Velvet',
  'Vivid',
  'Wandering',
  'Warm',
  'Whimsical',
  'Wild',
  'Windy',
  'Wise',
  'Witty',
] as const

export const animals = [
  'Albatross',
  'Alpaca',
  'Antelope',
  'Armadillo',
  'Badger',
  'Beaver',
  'Bison',
  'Bobcat',
  'Buffalo',
  'Camel',
  'Capybara',
  'Caribou',
  'Cheetah',
  'Chinchilla',
  'Cobra',
  'Condor',
  'Cougar',
  'Coyote',
  'Crane',
  'Dingo',
  'Dolphin',
  'Dove',
  'Eagle',
  'Elephant',
  'Elk',
  'Falcon',
  'Ferret',
  'Finch',
  'Flamingo',
  'Fox',
  'Gazelle',
  'Gecko',
  'Giraffe',
  'Gopher',
  'Gorilla',
  'Hare',
  'Hawk',
  'Hedgehog',
  'Heron',
  'Hippo',
  'Hummingbird',
  'Ibex',
  'Iguana',
  'Impala',
  'Jackal',
  'Jaguar',
  'Kangaroo',
  'Kestrel',
  'Kiwi',
  'Koala',
  'Lemur',
  'Leopard',
  'Llama',
  'Lobster',
  'Lynx',
  'Macaw',
  'Manatee',
  'Marmot',
  'Meerkat',
  'Mink',
  'Mole',
  'Moose',
  'Narwhal',
  'Newt',
  'Ocelot',
  'Octopus',
  'Opossum',
  'Orca',
  'Osprey',
  'Otter',
  'Owl',
  'Panda',
  'Panther',
  'Parrot',
  'Pelican',
  'Penguin',
  'Puffin',
  'Quokka',
  'Rabbit',
  'Raccoon',
  'Raven',
  'Reindeer',
  'Robin',
  'Salamander',
  'Seal',
  'Sparrow',
  'Squirrel',
  'Stingray',
  'Swan',
  'Tapir',
  'Tiger',
  'Toucan',
  'Turtle',
  'Walrus',
  'Weasel',
  'Whale',
  'Wolf',
  'Wombat',
  'Yak',
  'Zebra',
] as const

const combinations = adjectives.length * animals.length

/** The name at an index of the adjective × animal space (0 to combinations - 1). */
const nameAt = (index: number): string =>
  `${adjectives[Math.floor(index / animals.length)] ?? 'Anonymous'} ${animals[index % animals.length] ?? 'Panda'}`

/** Hands out guest names, unique among those in use on this node; a duplicate only when all 10,000 are taken. */
export function createNameRegistry(randomTries = 8) {
  const inUse = new Map<string, number>()

  function freeName(): string | null {
    // Random tries find a free name at once while most are free; the probe is for a crowded space.
    for (let i = 0; i < randomTries; i++) {
      const name = nameAt(randomInt(combinations))
      if (!inUse.has(name)) return name
    }
    // inUse holds only names of the space, so its size tells when no name is free.
    if (inUse.size >= combinations) return null
    const start = randomInt(combinations)
    for (let step = 0; step < combinations; step++) {
      const name = nameAt((start + step) % combinations)
      if (!inUse.has(name)) return name
    }
    return null
  }

  const hold = (name: string) => inUse.set(name, (inUse.get(name) ?? 0) + 1)

  return {
    take(): string {
      const name = freeName() ?? nameAt(randomInt(combinations))
      hold(name)
      return name
    },
    /** Holds a name a resumed session brings along (it may be in use here already: names are per node). */
    claim(name: string): void {
      hold(name)
    },
    release(name: string): void {
      const count = inUse.get(name) ?? 0
      if (count <= 1) inUse.delete(name)
      else inUse.set(name, count - 1)
    },
    get size(): number {
      return inUse.size
    },
  }
}

export type NameRegistry = ReturnType<typeof createNameRegistry>
