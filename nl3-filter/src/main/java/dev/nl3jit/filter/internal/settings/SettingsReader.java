package dev.nl3jit.filter.internal.settings;

import dev.nl3jit.filter.internal.util.Loaders;

import dev.nl3jit.filter.Setting;
import dev.nl3jit.filter.internal.store.Stores;

import dev.nl3jit.filter.InvalidSettingsException;
import dev.nl3jit.filter.Nl3ApprovalFilter;
import dev.nl3jit.filter.Nl3Settings;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads the settings (the library's and the installed stores') from a lookup, parses each into its type and
 * collects every problem before giving up, so one deployment attempt shows them all; names no setting has are
 * problems, with the closest known name.
 */
public final class SettingsReader {
    static final String SIGNING_KEY = SettingsTable.SIGNING_KEY.name();
    static final String APP_URI = SettingsTable.APP_URI.name();
    static final String API_HOST = SettingsTable.API_HOST.name();
    static final String APPROVAL_KEY = SettingsTable.APPROVAL_KEY.name();
    static final String PENDING_PATH = SettingsTable.PENDING_PATH.name();
    static final String AUTO_REGISTER = SettingsTable.AUTO_REGISTER.name();

    /** NL3's own sample names, read after the {@code NL3_*} environment variables. */
    private static final Map<String, String> SAMPLE_ENV_NAMES = Map.of(SIGNING_KEY, "SIGNING_KEY", APP_URI, "APP_URI",
            API_HOST, "API_HOST");

    private final Function<String, String> lookup;

    public SettingsReader(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    /**
     * The settings of a filter: its init-params, then the context-params, system properties and environment.
     * Unknown {@code nl3.*} names among the init-params and context-params are problems, listed with the rest.
     */
    public static Nl3Settings forFilter(FilterConfig config) {
        ServletContext ctx = config.getServletContext();
        List<String> problems = new ArrayList<>();
        problems.addAll(unknown(Collections.list(config.getInitParameterNames()), "init-param of filter " + config.getFilterName()));
        problems.addAll(unknown(Collections.list(ctx.getInitParameterNames()), "context-param"));
        problems.addAll(unknownInSystemAndEnvironment(System.getenv()));
        try {
            Nl3Settings s = new SettingsReader(withSystemAndEnvironment(name -> {
                String v = config.getInitParameter(name);
                return v != null ? v : ctx.getInitParameter(name);
            })).read();
            if (problems.isEmpty()) {
                return s;
            }
        } catch (InvalidSettingsException e) {
            problems.addAll(e.problems());
        }
        throw new InvalidSettingsException(problems);
    }

    /**
     * {@code nl3.*} system properties and {@code NL3_*} environment variables that no setting has: a typo there would
     * otherwise be silently ignored.
     */
    public static List<String> unknownInSystemAndEnvironment(Map<String, String> env) {
        List<String> problems = new ArrayList<>(unknown(System.getProperties().stringPropertyNames(), "system property"));
        Map<String, String> known = new java.util.HashMap<>();
        for (String name : knownNames()) {
            known.put(Setting.envName(name), name);
        }
        for (String var : new java.util.TreeSet<>(env.keySet())) {
            if (var.startsWith("NL3_") && !known.containsKey(var)) {
                String guess = closest(var, known.keySet());
                problems.add(var + " (environment variable): unknown setting; " + (guess == null
                        ? "known settings are listed in the Nl3ApprovalFilter documentation" : "did you mean " + guess + "?"));
            }
        }
        return problems;
    }

    /** One setting from the context-params, system properties and environment, before any filter exists. */
    public static <T> T contextValue(ServletContext ctx, Setting<T> setting) {
        List<String> problems = new ArrayList<>();
        T value = setting.read(withSystemAndEnvironment(ctx::getInitParameter).apply(setting.name()), problems);
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(problems);
        }
        return value;
    }

    /**
     * The standard chain of sources, first wins: {@code primary} (e.g. filter init-params, then
     * context-params), system properties, then environment variables {@code NL3_*} and NL3's sample names.
     */
    public static Function<String, String> withSystemAndEnvironment(Function<String, String> primary) {
        Map<String, String> env = System.getenv();
        return name -> {
            String v = primary.apply(name);
            if (v == null) {
                v = System.getProperty(name);
            }
            if (v == null) {
                v = env.get(Setting.envName(name));
            }
            if (v == null && SAMPLE_ENV_NAMES.containsKey(name)) {
                v = env.get(SAMPLE_ENV_NAMES.get(name));
            }
            return v;
        };
    }

    /** Names under {@code nl3.} that no setting has: a typo would otherwise be silently ignored. */
    public static void rejectUnknown(Collection<String> names, String where) {
        List<String> unknown = unknown(names, where);
        if (!unknown.isEmpty()) {
            throw new InvalidSettingsException(unknown);
        }
    }

    public static List<String> unknown(Collection<String> names, String where) {
        List<String> unknown = new ArrayList<>();
        java.util.Set<String> known = null;
        for (String n : names) {
            // nl3.boot.* belongs to the Spring Boot module, which checks it itself.
            if (n.startsWith("nl3.") && !n.startsWith("nl3.boot.") && !SettingsTable.BY_NAME.containsKey(n)) {
                known = known != null ? known : knownNames();
                if (!known.contains(n)) {
                    unknown.add(n + " (" + where + "): unknown setting; " + suggestion(n, known));
                }
            }
        }
        return unknown;
    }

    /** The names of the library's settings and of the installed stores' settings. */
    private static java.util.Set<String> knownNames() {
        return SettingsTable.known(Loaders.application()).keySet();
    }

    private static String suggestion(String name, Collection<String> known) {
        String best = closest(name, known);
        return best != null ? "did you mean " + best + "?" : "known settings are listed in the Nl3ApprovalFilter documentation";
    }

    /** The candidate within four edits of {@code name}, the closest one, or {@code null}. */
    private static String closest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : new java.util.TreeSet<>(candidates)) {
            int d = distance(name, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return bestDistance <= 4 ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Every setting through the settings table; one exception lists every problem, one per setting. */
    public Nl3Settings read() {
        Nl3Settings.Builder b = Nl3Settings.builder();
        for (Setting<?> setting : SettingsTable.known(Loaders.application()).values()) {
            String v = lookup.apply(setting.name());
            if (v != null && !v.isBlank()) {
                b.set(setting.name(), v);
            }
        }
        return b.build();
    }
}
