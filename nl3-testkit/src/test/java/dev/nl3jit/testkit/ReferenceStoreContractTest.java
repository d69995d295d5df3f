package dev.nl3jit.testkit;

import dev.nl3jit.filter.spi.KeyValueStore;

/** The contract on the reference implementation, {@link KeyValueStore#inMemory()}. */
class ReferenceStoreContractTest extends ApprovalStoreContract {
    @Override
    protected KeyValueStore newStore() {
        return KeyValueStore.inMemory();
    }

    /** Closed, the reference store fails every operation, as an unreachable backend does. */
    @Override
    protected void makeUnreachable(KeyValueStore store) {
        store.close();
    }
}
