package dev.runcmd.control.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The connection guard sees only what goes through {@link Transactions} and {@link Sql}: a class that opened its
 * own Hibernate session or used the reactive pool directly could hold two connections unseen. So only the store
 * package may touch {@code Panache.withTransaction/withSession} or the pool.
 */
class StoreAccessRulesTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/runcmd/control");
    private static final Pattern FORBIDDEN = Pattern.compile(
            "Panache\\.with(Transaction|Session)\\b|import io\\.vertx\\.(mutiny\\.)?sqlclient\\.Pool;"
                    + "|import io\\.vertx\\.(mutiny\\.)?pgclient\\.PgPool;");

    @Test
    void onlyTheStorePackageOpensSessionsOrTakesPoolConnections() throws IOException {
        List<String> offenders;
        try (Stream<Path> files = Files.walk(SOURCES)) {
            offenders = files.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> !file.startsWith(SOURCES.resolve("store")))
                    .filter(StoreAccessRulesTest::usesForbidden)
                    .map(Path::toString)
                    .sorted()
                    .toList();
        }
        assertEquals(List.of(), offenders, "use Transactions or Sql instead");
    }

    @Test
    void theRuleRecognizesTheStorePackagesOwnUse() {
        assertTrue(usesForbidden(SOURCES.resolve("store/Transactions.java")), "the pattern misses Panache.with...");
        assertTrue(usesForbidden(SOURCES.resolve("store/Sql.java")), "the pattern misses the pool import");
    }

    private static boolean usesForbidden(Path file) {
        try {
            return FORBIDDEN.matcher(Files.readString(file)).find();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
