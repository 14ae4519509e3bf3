package dev.runcmd.agent.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The subcommands' own options, where the join token comes from, and how connect edits the config file. */
class AdminArgumentsTest {
    @TempDir
    Path dir;

    @Test
    void subcommandOptionsAreSplitFromTheAgentsSettings() {
        AdminArguments arguments = AdminArguments.parse(List.of("--join-token", "@/root/token.txt", "--gateway",
                "gw:9090", "-o", "json", "--no-start", "--config=/etc/x.properties", "--tags", "env=prod"));

        assertEquals(new AdminArguments(true, true, "@/root/token.txt", "/etc/x.properties",
                List.of("--gateway", "gw:9090", "--tags", "env=prod")), arguments);
    }

    @Test
    void outputFormatIsJsonOrText() {
        assertEquals(false, AdminArguments.parse(List.of("--output=text")).json());
        assertEquals("option -o takes json or text, not 'yaml'",
                assertThrows(IllegalArgumentException.class, () -> AdminArguments.parse(List.of("-o", "yaml")))
                        .getMessage());
        assertEquals("option --join-token needs a value",
                assertThrows(IllegalArgumentException.class, () -> AdminArguments.parse(List.of("--join-token")))
                        .getMessage());
    }

    @Test
    void configFileIsTheFlagThenTheEnvironmentThenTheInstalledDefault() {
        assertEquals("/a", AdminArguments.parse(List.of("--config", "/a")).configFile(Map.of(
                "RUNCMD_AGENT_CONFIG", "/b")));
        assertEquals("/b", AdminArguments.parse(List.of()).configFile(Map.of("RUNCMD_AGENT_CONFIG", "/b")));
        assertEquals("/etc/runcmd/agent.properties", AdminArguments.parse(List.of()).configFile(Map.of()));
    }

    @Test
    void joinTokenComesFromAFileStandardInputTheEnvironmentOrTheCommandLine() throws Exception {
        Path file = Files.writeString(dir.resolve("token.txt"), "runcmd1.file-token\n");
        var stdin = new ByteArrayInputStream("runcmd1.stdin-token\n".getBytes(StandardCharsets.UTF_8));

        assertEquals(new JoinTokenSource.Token("runcmd1.file-token", "file " + file, false),
                JoinTokenSource.resolve("@" + file, Map.of(), stdin));
        assertEquals(new JoinTokenSource.Token("runcmd1.stdin-token", "standard input", false),
                JoinTokenSource.resolve("@-", Map.of(), stdin));
        assertEquals(new JoinTokenSource.Token("runcmd1.env-token", "environment RUNCMD_JOIN_TOKEN", false),
                JoinTokenSource.resolve(null, Map.of("RUNCMD_JOIN_TOKEN", "runcmd1.env-token"), stdin));
        assertEquals(new JoinTokenSource.Token("runcmd1.argv-token", "flag --join-token", true),
                JoinTokenSource.resolve("runcmd1.argv-token", Map.of(), stdin));
    }

    @Test
    void aMissingTokenFileIsNamedWithoutAnyTokenText() {
        String message = assertThrows(IllegalArgumentException.class,
                () -> JoinTokenSource.resolve("@" + dir.resolve("absent"), Map.of(), InputStreamOfNothing.INSTANCE))
                .getMessage();

        assertEquals("cannot read the join token from file " + dir.resolve("absent") + ": " + dir.resolve("absent"),
                message);
        assertThrows(IllegalArgumentException.class, () -> JoinTokenSource.resolve(null, Map.of(),
                InputStreamOfNothing.INSTANCE));
    }

    @Test
    void connectReplacesItsKeysKeepsCommentsAndDropsTheJoinToken() {
        List<String> edited = ConfigFile.edit(List.of(
                "# comment",
                "work-dir = /var/lib/runcmd-agent",
                "#gateway = gw.example:9090",
                "gateway = old:1",
                "join-token = runcmd1.secret\\",
                "  continued",
                "max-concurrent=7"),
                new java.util.LinkedHashMap<>(Map.of("gateway", "gw-a:9090,gw-b:9090")) {{
                    put("tags", "note= leading,x=a\\b");
                }});

        assertEquals(List.of(
                "# comment",
                "work-dir = /var/lib/runcmd-agent",
                "#gateway = gw.example:9090",
                "gateway = gw-a:9090,gw-b:9090",
                "max-concurrent=7",
                "tags = note= leading,x=a\\\\b"), edited);
    }

    @Test
    void writtenConfigFileIsOwnerOnlyAndReadsBack(@TempDir Path etc) throws Exception {
        Path file = etc.resolve("runcmd/agent.properties");

        ConfigFile.write(file, Map.of("machine-name", "web-1"));

        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)));
        java.util.Properties read = new java.util.Properties();
        try (var in = Files.newBufferedReader(file)) {
            read.load(in);
        }
        assertEquals(Map.of("machine-name", "web-1"), Map.copyOf(read));
    }

    /** Standard input with nothing on it. */
    private static final class InputStreamOfNothing {
        static final ByteArrayInputStream INSTANCE = new ByteArrayInputStream(new byte[0]);
    }
}
