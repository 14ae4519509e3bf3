package dev.runcmd.cli.command;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --top N} of a list command: at most N items, however many pages that takes. */
final class TopOption {

    /** The API's largest page ({@code $top}). */
    private static final int MAX_PAGE = 1000;

    @Spec(Spec.Target.MIXEE) CommandSpec mixee;

    @Option(names = "--top", paramLabel = "N", description = "At most N items (default: all of them); the list's "
            + "pages are followed until then.")
    Integer top;

    /** The limit (null: none); a usage error when below 1. */
    Integer limit() {
        if (top != null && top < 1) {
            throw new ParameterException(mixee.commandLine(), "--top must be at least 1, not " + top);
        }
        return top;
    }

    /** {@code path} asking for pages no larger than the limit, for the lists whose API pages by {@code $top}. */
    String pageSized(String path) {
        Integer limit = limit();
        return limit == null ? path : path + (path.contains("?") ? "&" : "?") + "$top=" + Math.min(limit, MAX_PAGE);
    }
}
