package dev.runcmd.bench;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * The share of each {@link Operation} in a sweep's requests, from {@code BENCH_MIX}
 * ({@code get=60,list=15,put=15,follow=10} by default; weights are relative, an operation left out is not sent).
 */
final class Mix {

    static final String DEFAULT = "get=60,list=15,put=15,follow=10";

    private final Map<Operation, Integer> weights;
    private final int total;

    private Mix(Map<Operation, Integer> weights) {
        this.weights = weights;
        this.total = weights.values().stream().mapToInt(Integer::intValue).sum();
        if (total <= 0) {
            throw new IllegalArgumentException("BENCH_MIX: no operation has a positive weight");
        }
    }

    /** Parses {@code op=weight,...}; the operation names are those of {@link Operation}, in any case. */
    static Mix parse(String text) {
        Map<Operation, Integer> weights = new EnumMap<>(Operation.class);
        for (String pair : text.split(",")) {
            String[] parts = pair.trim().split("=");
            if (parts.length != 2) {
                throw new IllegalArgumentException("BENCH_MIX: expected op=weight, got `" + pair + "`");
            }
            weights.put(Operation.valueOf(parts[0].trim().toUpperCase(Locale.ROOT)), Integer.parseInt(parts[1].trim()));
        }
        return new Mix(weights);
    }

    /** An operation drawn by weight. */
    Operation pick(Random random) {
        int roll = random.nextInt(total);
        for (Map.Entry<Operation, Integer> entry : weights.entrySet()) {
            roll -= entry.getValue();
            if (roll < 0) {
                return entry.getKey();
            }
        }
        throw new IllegalStateException("unreachable: the roll is below the total");
    }

    @Override
    public String toString() {
        return weights.entrySet().stream().map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }
}
