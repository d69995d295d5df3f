/**
 * Just-in-time human approval for privileged endpoints of Jakarta Servlet applications, backed by NL3 JIT Approvals.
 *
 * <p>Exports the API applications touch ({@code dev.nl3jit.filter}: the filter, the annotation, the settings,
 * protections, events, exceptions) and the store contract ({@code dev.nl3jit.filter.spi}). Everything under
 * {@code dev.nl3jit.filter.internal} is the library's own and may change in any release; on the class path (a WAR's
 * {@code WEB-INF/lib}) the same rule holds by convention, and the build pins the layers with ArchUnit.
 */
module dev.nl3jit.filter {
    requires transitive jakarta.servlet;
    requires org.jose4j;
    requires java.net.http;
    requires java.management;

    exports dev.nl3jit.filter;
    exports dev.nl3jit.filter.spi;

    uses dev.nl3jit.filter.spi.KeyValueStoreFactory;

    provides jakarta.servlet.ServletContainerInitializer with dev.nl3jit.filter.Nl3Initializer;
}
