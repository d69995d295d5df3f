package dev.nl3jit.filter.internal.engine;

import dev.nl3jit.filter.Protection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests waiting for the user to type a reason before their approval request is sent: the protection and the
 * request's facts (with its body already kept), under a random id that starts with the engine's tag. At most
 * {@value #PER_USER} per user, each for {@value #MINUTES} minutes.
 */
public final class ReasonDrafts {
    static final int PER_USER = 3;
    static final int MINUTES = 10;

    public record Draft(String id, Protection protection, RequestFacts facts, Instant until) {
    }

    private final String tag;
    private final Clock clock;
    private final Map<String, Draft> byId = new ConcurrentHashMap<>();

    ReasonDrafts(String tag, Clock clock) {
        this.tag = tag;
        this.clock = clock;
    }

    /** Keeps a draft; returns its id. */
    String put(Protection protection, RequestFacts facts) {
        Instant now = clock.instant();
        byId.values().removeIf(d -> !d.until().isAfter(now));
        while (byId.values().stream().filter(d -> d.facts().user().equals(facts.user())).count() >= PER_USER) {
            byId.values().stream().filter(d -> d.facts().user().equals(facts.user()))
                    .min((a, b) -> a.until().compareTo(b.until())).ifPresent(d -> byId.remove(d.id()));
        }
        String id = Tickets.next(tag);
        byId.put(id, new Draft(id, protection, facts, now.plus(Duration.ofMinutes(MINUTES))));
        return id;
    }

    /** The user's draft with this id, if it is still there. */
    public Optional<Draft> find(String id, String user) {
        if (id == null || user == null) {
            return Optional.empty();
        }
        Draft d = byId.get(id);
        return d != null && d.facts().user().equals(user) && d.until().isAfter(clock.instant()) ? Optional.of(d) : Optional.empty();
    }

    /** Takes the user's draft with this id: it is used once. */
    public Optional<Draft> take(String id, String user) {
        Optional<Draft> d = find(id, user);
        return d.filter(draft -> byId.remove(id, draft));
    }
}
