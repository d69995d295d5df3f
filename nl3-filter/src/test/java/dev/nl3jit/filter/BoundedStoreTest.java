package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nl3jit.filter.spi.KeyValueStore;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The store wrapper hands on every operation of the SPI, default methods included (a default would hide the store's). */
class BoundedStoreTest {
    @Test
    void everyOperationOfTheSpiIsHandedOn() {
        List<String> missing = new ArrayList<>();
        for (Method m : KeyValueStore.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            try {
                BoundedStore.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
            } catch (NoSuchMethodException e) {
                missing.add(m.getName());
            }
        }
        assertEquals(List.of(), missing, "KeyValueStore operations BoundedStore does not hand on");
    }
}
