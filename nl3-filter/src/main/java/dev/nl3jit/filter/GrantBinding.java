package dev.nl3jit.filter;

/** Whom a grant serves: the user everywhere, or only the HTTP session that asked for it. */
public enum GrantBinding {
    USER, SESSION
}
