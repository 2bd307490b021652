// The matchmaker with the in-memory store: no sockets, no Redis (the same suite runs on Redis in tests/integration).
import { createMemoryStore } from '../../signaling/store/memory-store.ts'
import { createBlockList } from '../../signaling/store/blocks.ts'
import { describeInterestMatching } from '../support/interest-store-suite.ts'
import { describeMatchStore } from '../support/match-store-suite.ts'

let blocks = createBlockList()
describeMatchStore(
  'memory',
  async () => createMemoryStore({ blocks: (blocks = createBlockList()) }),
  async (a, b) => blocks.block(a, b, Date.now() + 60_000, Date.now()),
)
describeInterestMatching('memory', async (interestWaitMs) => createMemoryStore({ interestWaitMs }))
