package dev.nl3jit.filter.spi;

import java.security.Principal;

/** How an authenticated principal becomes the NL3 username (the tokens' {@code sub}). Default: its name. */
@FunctionalInterface
public interface UsernameMapper {
    UsernameMapper PRINCIPAL_NAME = Principal::getName;

    String username(Principal principal);
}
