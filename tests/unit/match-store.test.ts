// The matchmaker with the in-memory store: no sockets, no Redis (the same suite runs on Redis in tests/integration).
import { createMemoryStore } from '../../signaling/store/memory-store.ts'
import { describeInterestMatching } from '../support/interest-store-suite.ts'
import { describeMatchStore } from '../support/match-store-suite.ts'

describeMatchStore('memory', async () => createMemoryStore())
describeInterestMatching('memory', async (interestWaitMs) => createMemoryStore({ interestWaitMs }))
