package dev.nl3jit.filter.internal.engine;

import dev.nl3jit.filter.internal.util.LogOnce;
import dev.nl3jit.filter.internal.nl3.Nl3Failure;
import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.spi.UsernameMapper;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Locale;

/**
 * Says what went wrong with NL3, once per cause: a misconfiguration (NL3 refuses how it is called) at ERROR with NL3's
 * own reason, the approval key, the endpoint and the likely fix; an outage at WARNING. A cause is its kind: the call,
 * the failure's reason and HTTP status, and for a refusal what it is about ({@link #cause}), never NL3's text, which
 * names users: two hundred unknown users are one cause. Repeats of one cause are held back and counted; how many
 * causes are told apart is bounded ({@link LogOnce#MAX_CAUSES}). Never logs a token, a key or a whole body.
 */
public final class FailureLog {
    private static final System.Logger LOG = System.getLogger("dev.nl3jit.filter.Nl3");
    private final LogOnce errors = new LogOnce(LOG, Duration.ofHours(1));
    private final LogOnce warnings = new LogOnce(LOG, Duration.ofMinutes(1));
    private final Nl3Settings settings;

    public FailureLog(Nl3Settings settings) {
        this.settings = settings;
    }

    /**
     * @param call        what was asked, e.g. "approval request"
     * @param approvalKey the template's approval key, or {@code null}
     * @param consequence what happens now, e.g. "refusing alice (approval failure policy: closed)"
     */
    void report(Nl3Failure f, String call, String approvalKey, String user, String consequence) {
        if (f.kind() == Nl3Failure.Kind.MISCONFIGURED) {
            String text = f.nl3Text() == null ? "no reason given" : "\"" + f.nl3Text() + "\"";
            String cause = cause(f);
            errors.log(Level.ERROR, call + ":" + f.reason() + ":" + f.status() + ":" + cause
                    + (cause.equals("template") ? ":" + approvalKey : ""),
                    "NL3 refused the {0}{1}: {2}, NL3 says {3}. Likely fix: {4}. Users see a configuration error page.",
                    call, approvalKey == null ? "" : " for approval key " + approvalKey, f.getMessage(), text,
                    hint(f, approvalKey, user));
        } else {
            warnings.warn(call + ":" + f.reason() + ":" + f.status(), "NL3 {0} failed ({1}: {2}); {3}", call, f.reason(),
                    f.getMessage(), consequence);
        }
    }

    /** The most likely fix for a refusal, from NL3's own words and the status. */
    String hint(Nl3Failure f, String approvalKey, String user) {
        return switch (cause(f)) {
            case "signature" -> "the signing key does not match NL3's key for issuer " + settings.issuer()
                    + " (nl3.signing-key: the Base64 key of this application from the NL3 portal)";
            case "issuer" -> "NL3 does not know issuer " + settings.issuer()
                    + " (nl3.app-uri: the FQDN registered for this application in the NL3 portal)";
            case "audience" -> "NL3 expects another audience than " + settings.audience() + " (nl3.audience or nl3.api-host)";
            case "clock" -> "the clocks of this server and NL3 disagree: check NTP on this server (and nl3.token-skew)";
            case "credentials" -> "check nl3.signing-key, nl3.app-uri (" + settings.issuer() + ") and nl3.audience ("
                    + settings.audience() + ")";
            case "template" -> "NL3 has no template with Approval Key " + approvalKey
                    + ": use the Approval Key shown in the NL3 portal (nl3.approval-key or the annotation's value)";
            case "user" -> "NL3 does not know user " + user
                    + ": check that the user is enrolled and how the UsernameMapper names users";
            case "approver" -> "the approvers are wrong or the template has none (nl3.approvers, the annotation's approvers, the portal)";
            case "endpoint" -> "no NL3 API at this address: check nl3.api-base-url (" + settings.apiBaseUrl() + ")";
            default -> "NL3 refused the request as malformed; compare the settings with the NL3 portal";
        };
    }

    /**
     * What a refusal is about, read from NL3's own words and the status: {@code signature}, {@code issuer},
     * {@code audience}, {@code clock}, {@code credentials}, {@code template}, {@code user}, {@code approver},
     * {@code endpoint} or {@code malformed}. A handful of words, so it can key the log where NL3's text cannot.
     */
    static String cause(Nl3Failure f) {
        String t = f.nl3Text() == null ? "" : f.nl3Text().toLowerCase(Locale.ROOT);
        if (f.status() == 401) {
            if (t.contains("signature")) {
                return "signature";
            }
            if (t.contains("issuer")) {
                return "issuer";
            }
            if (t.contains("audience")) {
                return "audience";
            }
            if (t.contains("expired") || t.contains("not yet valid") || t.contains("future")) {
                return "clock";
            }
            return "credentials";
        }
        if (t.contains("templateid") || t.contains("template")) {
            return "template";
        }
        if (t.contains("user") || t.contains("requester")) {
            return "user";
        }
        if (t.contains("approver")) {
            return "approver";
        }
        if (f.status() == 404 || f.status() == 405) {
            return "endpoint";
        }
        return "malformed";
    }
}
