package dev.nl3jit.filter;

/**
 * The peer of the grant-path load run: Apache Shiro 2's filter as an application would set it up, a realm with alice,
 * {@code authcBasic} on {@code /public/shiro/**}, the subject kept in the HTTP session once signed in. Only
 * {@link LoadRun} uses it, and only where Shiro is on the class path (nl3-filter's tests; not its test-jar's users).
 */
final class ShiroPeer extends org.apache.shiro.web.servlet.AbstractShiroFilter {
    static ShiroPeer create() {
        org.apache.shiro.realm.SimpleAccountRealm realm = new org.apache.shiro.realm.SimpleAccountRealm("demo");
        realm.addAccount("alice", "pw");
        org.apache.shiro.web.filter.mgt.DefaultFilterChainManager chains = new org.apache.shiro.web.filter.mgt.DefaultFilterChainManager();
        chains.createChain("/public/shiro/**", "authcBasic");
        org.apache.shiro.web.filter.mgt.PathMatchingFilterChainResolver resolver =
                new org.apache.shiro.web.filter.mgt.PathMatchingFilterChainResolver();
        resolver.setFilterChainManager(chains);
        ShiroPeer peer = new ShiroPeer();
        peer.setSecurityManager(new org.apache.shiro.web.mgt.DefaultWebSecurityManager(realm));
        peer.setFilterChainResolver(resolver);
        return peer;
    }
}
