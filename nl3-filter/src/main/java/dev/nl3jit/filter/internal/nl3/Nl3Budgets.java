package dev.nl3jit.filter.internal.nl3;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;

/**
 * The node's NL3 budgets: every engine that calls the same NL3 ({@code nl3.api-base-url}) as the same application
 * ({@code nl3.app-uri}) takes its calls from one {@link Nl3Budget}, so the filter's engines, annotated servlets and
 * Spring MVC methods of one application together stay within {@code nl3.max-status-calls} in every second. Engines
 * configured with different limits share the smallest (said once in the log).
 *
 * <p>"Node" is this class's class loader: the web applications of one server that each bundle the jar each have their
 * own budgets (give each its share of what NL3 allows); a jar in the server's shared libraries gives one per server.
 * A budget ends with the last engine using it ({@link Lease#close()}).
 */
public final class Nl3Budgets {
    private static final System.Logger LOG = System.getLogger(Nl3Budgets.class.getName());
    private static final Map<String, Shared> BUDGETS = new HashMap<>();

    private Nl3Budgets() {
    }

    /** One engine's hold on its node's budget; closing it lets the budget go once no engine holds it. */
    public static final class Lease implements AutoCloseable {
        private final String key;
        private final Nl3Budget budget;
        private boolean closed;

        private Lease(String key, Nl3Budget budget) {
            this.key = key;
            this.budget = budget;
        }

        public Nl3Budget budget() {
            return budget;
        }

        @Override
        public void close() {
            synchronized (BUDGETS) {
                if (closed) {
                    return;
                }
                closed = true;
                Shared s = BUDGETS.get(key);
                if (s != null && s.budget == budget && --s.holders == 0) {
                    BUDGETS.remove(key);
                }
            }
        }
    }

    private static final class Shared {
        final Nl3Budget budget;
        int holders;

        Shared(Nl3Budget budget) {
            this.budget = budget;
        }
    }

    /**
     * The budget of the engines calling {@code apiBaseUrl} as {@code application}, made with {@code perSecond} calls a
     * second when no engine holds it yet, else narrowed to {@code perSecond} if that is less.
     */
    public static Lease lease(String apiBaseUrl, String application, int perSecond) {
        String key = apiBaseUrl + " " + application;
        synchronized (BUDGETS) {
            Shared s = BUDGETS.computeIfAbsent(key, k -> new Shared(new Nl3Budget(perSecond)));
            int before = s.budget.perSecond();
            if (perSecond != before) {
                int now = s.budget.narrowTo(perSecond);
                LOG.log(Level.WARNING, "engines calling NL3 at {0} as {1} are configured with different nl3.max-status-calls "
                        + "({2} and {3}): they share one budget of {4} calls a second, the smallest",
                        // never a password of the URL's user-info in the log
                        apiBaseUrl.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1"), application,
                        before, perSecond, now);
            }
            s.holders++;
            return new Lease(key, s.budget);
        }
    }
}
