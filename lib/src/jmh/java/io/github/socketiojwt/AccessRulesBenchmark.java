package io.github.socketiojwt;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The access-rules check the guard runs for every event of an authenticated socket:
 * {@link AccessRules#allowsEvent}.
 *
 * <p>Rule sets ({@code rules}): {@code none} ({@link AccessRules#NONE}, the default), {@code one} (a
 * {@code publish} rule: the event's {@code channel} must be listed in the token's {@code channels} claim) and
 * {@code hundred} (that rule, 99 other exact-name rules, two prefix rules and one pattern rule).
 *
 * <ul>
 *   <li>{@code ruleMatched}: {@code publish {channel: "news"}}, which a rule names and allows.</li>
 *   <li>{@code noRuleMatched}: {@code typing}, which no rule names (allowed: the rules are not an allow-list).</li>
 *   <li>{@code noRuleMatchedUncached}: each call an event name not seen before, no rule naming it, with the
 *       rules' match cache already full, so every call walks every rule: what a client sending ever-new event
 *       names costs. The two above repeat one name, which the match cache serves after the first call.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class AccessRulesBenchmark {

    /** More names than the match cache keeps (4096), so that it is full before measuring. */
    private static final int FILLER_NAMES = 5000;
    private static final int UNSEEN_NAMES = 1 << 16;

    @Param({"none", "one", "hundred"})
    public String rules;

    private AccessRules accessRules;
    private JwtPrincipal principal;
    private final List<Object> publishArgs = List.of(Map.of("channel", "news", "text", "hello"));
    private final List<Object> typingArgs = List.of(Map.of("text", "hel"));
    private String[] unseen;
    private int next;

    @Setup
    public void setUp() {
        accessRules = rules(rules);
        principal = new JwtPrincipal("/", "header.payload.signature", Map.of("sub", "alice", "role", "user",
                "channels", List.of("news", "sports"), "rooms", List.of("lobby")), null);

        // The two repeated names are remembered first; then the match cache is filled with other names.
        accessRules.allowsEvent(principal, "publish", publishArgs);
        accessRules.allowsEvent(principal, "typing", typingArgs);
        for (int i = 0; i < FILLER_NAMES; i++) {
            accessRules.allowsEvent(principal, "filler-" + i, typingArgs);
        }
        unseen = new String[UNSEEN_NAMES];
        for (int i = 0; i < unseen.length; i++) {
            unseen[i] = "unseen-" + i;
        }
        if (!accessRules.allowsEvent(principal, "publish", publishArgs)
                || !accessRules.allowsEvent(principal, "typing", typingArgs)
                || !accessRules.allowsEvent(principal, unseen[0], typingArgs)
                || (!"none".equals(rules) && accessRules.allowsEvent(principal, "publish",
                        List.of(Map.of("channel", "secret"))))) {
            throw new IllegalStateException(rules + ": the rules do not decide as this benchmark expects");
        }
    }

    /**
     * One of the rule sets measured here.
     *
     * @param kind {@code none}, {@code one} or {@code hundred}
     * @return the rules
     */
    public static AccessRules rules(String kind) {
        EventPermission ownChannels = EventPermission.argumentListedIn("channels", "channel");
        switch (kind) {
            case "none":
                return AccessRules.NONE;
            case "one":
                return AccessRules.builder().event("publish", ownChannels).build();
            case "hundred":
                AccessRules.Builder builder = AccessRules.builder().event("publish", ownChannels);
                for (int i = 1; i < 100; i++) {
                    builder.event(String.format("event%03d", i), EventPermission.claimEquals("role", "user"));
                }
                return builder
                        .eventsStartingWith("admin:", EventPermission.claimEquals("role", "admin"))
                        .eventsStartingWith("internal:", EventPermission.never())
                        .eventsMatching(Pattern.compile("room:[a-z0-9-]+:message"),
                                EventPermission.argumentListedIn("rooms", "room"))
                        .build();
            default:
                throw new IllegalArgumentException("rules: " + kind + " (expected: none, one or hundred)");
        }
    }

    @Benchmark
    public boolean ruleMatched() {
        return accessRules.allowsEvent(principal, "publish", publishArgs);
    }

    @Benchmark
    public boolean noRuleMatched() {
        return accessRules.allowsEvent(principal, "typing", typingArgs);
    }

    @Benchmark
    public boolean noRuleMatchedUncached() {
        String event = unseen[next];
        next = next + 1 == unseen.length ? 0 : next + 1;
        return accessRules.allowsEvent(principal, event, typingArgs);
    }
}
