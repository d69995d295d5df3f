package dev.nl3jit.cdi.it;

import dev.nl3jit.filter.spi.UsernameMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.Principal;

/** Operator accounts act as their person at NL3: principal {@code ops-alice} is NL3 user {@code alice}. */
@ApplicationScoped
public class OperatorNames implements UsernameMapper {
    @Override
    public String username(Principal principal) {
        String name = principal.getName();
        return name.startsWith("ops-") ? name.substring(4) : name;
    }
}
