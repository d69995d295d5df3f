package dev.nl3jit.filter.internal.util;

/** The class loader of the application being set up. */
public final class Loaders {
    private Loaders() {
    }

    /** The thread's context loader during deployment (the web application's), else this library's. */
    public static ClassLoader application() {
        ClassLoader l = Thread.currentThread().getContextClassLoader();
        return l != null ? l : Loaders.class.getClassLoader();
    }
}
