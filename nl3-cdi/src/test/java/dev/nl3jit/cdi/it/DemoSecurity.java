package dev.nl3jit.cdi.it;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.authentication.mechanism.http.BasicAuthenticationMechanismDefinition;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.util.Set;

/** BASIC authentication with Jakarta Security: alice, bob, carol and the operator account ops-alice, password "pw". */
@BasicAuthenticationMechanismDefinition(realmName = "nl3-test")
@ApplicationScoped
public class DemoSecurity implements IdentityStore {
    public CredentialValidationResult validate(UsernamePasswordCredential credential) {
        if (Set.of("alice", "bob", "carol", "ops-alice").contains(credential.getCaller()) && credential.compareTo(credential.getCaller(), "pw")) {
            return new CredentialValidationResult(credential.getCaller(), Set.of("user"));
        }
        return CredentialValidationResult.INVALID_RESULT;
    }
}
