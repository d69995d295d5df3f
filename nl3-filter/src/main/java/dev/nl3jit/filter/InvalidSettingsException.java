package dev.nl3jit.filter;

import java.util.List;

/**
 * The configuration cannot be used. The message lists every problem, one per line, each naming the
 * setting, the bad value (never the signing key) and the expected form.
 */
public final class InvalidSettingsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public InvalidSettingsException(List<String> problems) {
        super("NL3 approval settings are invalid (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s")
                + "):\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem on its own. */
    public List<String> problems() {
        return problems;
    }
}
