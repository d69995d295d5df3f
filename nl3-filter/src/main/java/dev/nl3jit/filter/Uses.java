package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.store.Grant;

import java.util.Locale;

/**
 * How many requests one approval lets through: {@link #auto()} (one for Sign and Approve templates, unlimited for
 * Approve), {@link #unlimited()} (as many as the grant's duration allows), or {@link #of(int) a count} from 1 to
 * {@value #MAX}. Written {@code auto}, {@code unlimited} or the number, in {@code nl3.grant-uses} and in the
 * annotations' {@code uses}; {@link #parse(String)} is the one parser of that text. Immutable.
 */
public final class Uses {
    /** The largest count. */
    public static final int MAX = 1_000_000;

    private static final int AUTO = 0;
    private static final int UNLIMITED = -1;
    private static final Uses AUTO_USES = new Uses(AUTO);
    private static final Uses UNLIMITED_USES = new Uses(UNLIMITED);

    /** {@code 0} auto, {@code -1} unlimited, else the count. */
    private final int code;

    private Uses(int code) {
        this.code = code;
    }

    /** One use for Sign and Approve templates, unlimited for Approve. */
    public static Uses auto() {
        return AUTO_USES;
    }

    /** As many uses as the grant's duration allows. */
    public static Uses unlimited() {
        return UNLIMITED_USES;
    }

    /**
     * Exactly {@code count} uses.
     *
     * @throws IllegalArgumentException unless 1 to {@value #MAX}
     */
    public static Uses of(int count) {
        if (count < 1 || count > MAX) {
            throw new IllegalArgumentException("'" + count + "'; " + EXPECTED);
        }
        return new Uses(count);
    }

    private static final String EXPECTED = "expected auto (one use for Sign and Approve, else unlimited), unlimited, "
            + "or a number of uses from 1 to " + MAX;

    /**
     * {@code auto}, {@code unlimited} or a count, any case, surrounding blanks ignored.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public static Uses parse(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        switch (s) {
            case "auto" -> {
                return AUTO_USES;
            }
            case "unlimited" -> {
                return UNLIMITED_USES;
            }
            default -> {
                try {
                    int n = Integer.parseInt(s);
                    if (n >= 1 && n <= MAX) {
                        return new Uses(n);
                    }
                } catch (NumberFormatException e) {
                    // below
                }
                throw new IllegalArgumentException("'" + text + "'; " + EXPECTED);
            }
        }
    }

    /** The form that was used before this type: {@code 0} auto, {@code -1} unlimited, else the count (a stored form). */
    public static Uses fromCode(int code) {
        return code == AUTO ? AUTO_USES : code == UNLIMITED ? UNLIMITED_USES : of(code);
    }

    /** {@code 0} auto, {@code -1} unlimited, else the count: the stored form. */
    public int code() {
        return code;
    }

    public boolean isAuto() {
        return code == AUTO;
    }

    public boolean isUnlimited() {
        return code == UNLIMITED;
    }

    /** The count, or {@code 0} for auto and unlimited. */
    public int count() {
        return Math.max(code, 0);
    }

    /** The uses a grant gets after an approval of {@code type}: {@link Grant#UNLIMITED} or a count. */
    public int forGrant(ApprovalType type) {
        if (code == AUTO) {
            return type == ApprovalType.SIGN_AND_APPROVE ? 1 : Grant.UNLIMITED;
        }
        return code == UNLIMITED ? Grant.UNLIMITED : code;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Uses u && u.code == code;
    }

    @Override
    public int hashCode() {
        return code;
    }

    /** As written in settings: {@code auto}, {@code unlimited} or the count. */
    @Override
    public String toString() {
        return code == AUTO ? "auto" : code == UNLIMITED ? "unlimited" : Integer.toString(code);
    }
}
