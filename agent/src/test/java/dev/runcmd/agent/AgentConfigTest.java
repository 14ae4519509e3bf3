package dev.runcmd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.agent.logging.LogFormat;
import dev.runcmd.proto.pki.JoinToken;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Configuration: sources, precedence, defaults, validation, and the command line's exit codes. */
class AgentConfigTest {
    @TempDir
    Path dir;

    @Test
    void configPrecedenceFlagsOverEnvOverFile() throws Exception {
        Path file = dir.resolve("agent.properties");
        Files.writeString(file, String.join("\n",
                "gateway=file-host:1111",
                "subscription-id=sub-file",
                "resource-group=rg-file",
                "machine-name=m-file",
                "kill-grace-seconds=7"), StandardCharsets.UTF_8);
        Map<String, String> env = Map.of(
                "RUNCMD_AGENT_CONFIG", file.toString(),
                "RUNCMD_GATEWAY", "env-host:2222",
                "RUNCMD_RESOURCE_GROUP", "rg-env",
                "RUNCMD_MACHINE_NAME", "m-env");

        AgentConfig config = AgentConfig.from(env, new String[] {"--gateway", "flag-host:3333", "--machine-name=m-flag"});

        assertEquals("flag-host:3333", config.gateway(), "flag beats environment");
        assertEquals("m-flag", config.machineName(), "--key=value form works too");
        assertEquals("rg-env", config.resourceGroup(), "environment beats file");
        assertEquals("sub-file", config.subscriptionId(), "file beats default");
        assertEquals(Duration.ofSeconds(7), config.killGrace());
    }

    @Test
    void configFileFlagBeatsConfigFileEnvironment() throws Exception {
        Path fromFlag = Files.writeString(dir.resolve("a.properties"), "resource-group=rg-a");
        Path fromEnv = Files.writeString(dir.resolve("b.properties"), "resource-group=rg-b");

        AgentConfig config = AgentConfig.from(Map.of("RUNCMD_AGENT_CONFIG", fromEnv.toString()),
                new String[] {"--config", fromFlag.toString()});

        assertEquals("rg-a", config.resourceGroup());
    }

    @Test
    void defaultsApplyWhenNothingIsSet() throws Exception {
        AgentConfig config = AgentConfig.from(Map.of(), new String[0]);

        assertEquals("127.0.0.1:9090", config.gateway());
        assertEquals("00000000-0000-0000-0000-000000000000", config.subscriptionId());
        assertEquals("local", config.resourceGroup());
        assertEquals(HostName.toMachineName(HostName.local()), config.machineName());
        assertTrue(config.machineName().matches("[a-zA-Z0-9_.-]{1,54}"), config.machineName());
        assertEquals(Path.of(System.getProperty("user.home"), ".runcmd", "agent"), config.workDir());
        assertEquals(Duration.ofSeconds(5), config.killGrace());
        assertEquals(5, config.maxConcurrent());
    }

    @Test
    void maxConcurrentComesFromFileEnvironmentOrFlagWithinItsRange() throws Exception {
        Path file = Files.writeString(dir.resolve("m.properties"), "max-concurrent=3");

        assertEquals(3, AgentConfig.from(Map.of("RUNCMD_AGENT_CONFIG", file.toString()), new String[0]).maxConcurrent());
        assertEquals(8, AgentConfig.from(Map.of("RUNCMD_MAX_CONCURRENT", "8"), new String[0]).maxConcurrent());
        assertEquals(1, AgentConfig.from(Map.of(), new String[] {"--max-concurrent", "1"}).maxConcurrent());
        ConfigException e = assertThrows(ConfigException.class,
                () -> AgentConfig.from(Map.of(), new String[] {"--max-concurrent=0"}));
        assertEquals("invalid max-concurrent '0' (from flag --max-concurrent): expected a whole number from 1 to 1000",
                e.getMessage());
    }

    @Test
    void dotAndDotDotAreNoMachineNames() throws Exception {
        for (String name : new String[] {".", ".."}) {
            assertThrows(ConfigException.class,
                    () -> AgentConfig.from(Map.of(), new String[] {"--machine-name", name}), name);
        }
        assertEquals("...", AgentConfig.from(Map.of(), new String[] {"--machine-name", "..."}).machineName());
    }

    @Test
    void stopModeIsDetachByDefaultAndComesFromFileEnvironmentOrFlag() throws Exception {
        Path file = Files.writeString(dir.resolve("s.properties"), "stop-mode=cancel");

        assertEquals(StopMode.DETACH, AgentConfig.from(Map.of(), new String[0]).stopMode());
        assertEquals(StopMode.CANCEL,
                AgentConfig.from(Map.of("RUNCMD_AGENT_CONFIG", file.toString()), new String[0]).stopMode());
        assertEquals(StopMode.CANCEL, AgentConfig.from(Map.of("RUNCMD_STOP_MODE", "cancel"), new String[0]).stopMode());
        assertEquals(StopMode.DETACH, AgentConfig.from(Map.of("RUNCMD_STOP_MODE", "cancel"),
                new String[] {"--stop-mode=detach"}).stopMode());
        ConfigException e = assertThrows(ConfigException.class,
                () -> AgentConfig.from(Map.of("RUNCMD_STOP_MODE", "kill"), new String[0]));
        assertEquals("invalid stop-mode 'kill' (from environment RUNCMD_STOP_MODE): expected detach or cancel",
                e.getMessage());
    }

    @Test
    void logFormatIsTextByDefaultAndComesFromFileEnvironmentOrFlag() throws Exception {
        Path file = Files.writeString(dir.resolve("l.properties"), "log-format=json");

        assertEquals(LogFormat.TEXT, AgentConfig.from(Map.of(), new String[0]).logFormat());
        assertEquals(LogFormat.JSON,
                AgentConfig.from(Map.of("RUNCMD_AGENT_CONFIG", file.toString()), new String[0]).logFormat());
        assertEquals(LogFormat.JSON, AgentConfig.from(Map.of("RUNCMD_LOG_FORMAT", "json"), new String[0]).logFormat());
        assertEquals(LogFormat.TEXT, AgentConfig.from(Map.of("RUNCMD_LOG_FORMAT", "json"),
                new String[] {"--log-format", "text"}).logFormat());
        ConfigException e = assertThrows(ConfigException.class,
                () -> AgentConfig.from(Map.of(), new String[] {"--log-format=yaml"}));
        assertEquals("invalid log-format 'yaml' (from flag --log-format): expected text or json", e.getMessage());
    }

    @Test
    void gatewayListAndSpoolBoundAreReadAndChecked() throws Exception {
        AgentConfig config = AgentConfig.from(Map.of("RUNCMD_SPOOL_MAX_BYTES", "1048576"),
                new String[] {"--gateway", "gw-a:9090, gw-b:9091,[::1]:9092"});

        assertEquals(List.of("gw-a:9090", "gw-b:9091", "[::1]:9092"), config.gateways());
        assertEquals(1048576, config.spoolMaxBytes());
        assertEquals(268435456, AgentConfig.from(Map.of(), new String[0]).spoolMaxBytes());
        assertEquals(List.of("127.0.0.1:9090"), AgentConfig.from(Map.of(), new String[0]).gateways());
        ConfigException e = assertThrows(ConfigException.class,
                () -> AgentConfig.from(Map.of(), new String[] {"--spool-max-bytes=1048575"}));
        assertEquals("invalid spool-max-bytes '1048575' (from flag --spool-max-bytes): expected a whole number of "
                + "bytes, at least 1048576", e.getMessage());
    }

    @Test
    void identityDirIsInTheWorkDirUnlessSet() throws Exception {
        assertEquals(dir.resolve("identity"),
                AgentConfig.from(Map.of(), new String[] {"--work-dir", dir.toString()}).identityDir());
        assertEquals(dir.resolve("keys"), AgentConfig.from(Map.of("RUNCMD_IDENTITY_DIR", dir.resolve("keys").toString()),
                new String[] {"--work-dir", dir.toString()}).identityDir());
    }

    @Test
    void joinTokenIsParsedAndItsSecretNeverShown() throws Exception {
        JoinToken token = JoinToken.generate("ab".repeat(32));
        Path file = Files.writeString(dir.resolve("t.properties"), "join-token=" + token.text());

        AgentConfig fromFile = AgentConfig.from(Map.of(), new String[] {"--config", file.toString()});
        AgentConfig fromFlag = AgentConfig.from(Map.of(), new String[] {"--join-token", token.text()});
        String broken = token.text().substring(0, token.text().length() - 1);
        ConfigException e = assertThrows(ConfigException.class,
                () -> AgentConfig.from(Map.of("RUNCMD_JOIN_TOKEN", broken), new String[0]));

        assertEquals(Optional.of(token), fromFile.joinToken());
        assertFalse(fromFile.joinTokenInArguments());
        assertTrue(fromFlag.joinTokenInArguments(), "argv is readable by every local user");
        assertFalse(fromFile.toString().contains(token.secret()), fromFile.toString());
        assertEquals("invalid join-token (from environment RUNCMD_JOIN_TOKEN): join token is malformed: expected"
                + " runcmd1.<16 hex>.<43 base64url>.<64 hex>, as 'runcmd machine join-token create' prints it",
                e.getMessage());
        assertEquals(Optional.empty(), AgentConfig.from(Map.of(), new String[0]).joinToken());
    }

    @Test
    void tagsComeFromFlagOverEnvironmentOverFileAndAreNoneByDefault() throws Exception {
        Path file = Files.writeString(dir.resolve("tags.properties"), "tags=env=file, role=db");
        Map<String, String> env = Map.of("RUNCMD_AGENT_CONFIG", file.toString(), "RUNCMD_TAGS", "env=environment");

        assertEquals(Map.of(), AgentConfig.from(Map.of(), new String[0]).tags());
        assertEquals(Map.of("env", "file", "role", "db"),
                AgentConfig.from(Map.of("RUNCMD_AGENT_CONFIG", file.toString()), new String[0]).tags());
        assertEquals(Map.of("env", "environment"), AgentConfig.from(env, new String[0]).tags(),
                "the environment replaces the file's tags as a whole");
        assertEquals(Map.of("env", "prod", "tier", ""), AgentConfig.from(env, new String[] {"--tags", "env=prod,tier="})
                .tags(), "the flag replaces the environment's tags as a whole");
        assertEquals(Map.of("env", "prod"), AgentConfig.from(env, new String[] {"--tags=env=prod"}).tags());
    }

    @Test
    void invalidTagsAreRefusedNamingTheTagAndTheirSource() throws Exception {
        Path file = Files.writeString(dir.resolve("bad-tags.properties"), "tags=env=prod,owner=ops,team=a,owner=b");
        StringBuilder fiftyOne = new StringBuilder("t0=v");
        for (int i = 1; i <= 50; i++) {
            fiftyOne.append(",t").append(i).append("=v");
        }

        assertEquals("invalid tags (from flag --tags): tag name \"a?b\" contains '?'; names must not contain any of"
                + " <>%&\\?/", refusal(Map.of(), "--tags", "env=prod,a?b=1"));
        assertEquals("invalid tags (from environment RUNCMD_TAGS): the value of tag \"env\" has 257 characters, more"
                + " than 256", refusal(Map.of("RUNCMD_TAGS", "env=" + "p".repeat(257))));
        assertEquals("invalid tags (from config file " + file + "): tag \"owner\" is given twice",
                refusal(Map.of(), "--config", file.toString()));
        assertEquals("invalid tags (from flag --tags): tag \"role\" has no '=': expected NAME=VALUE[,NAME=VALUE...]",
                refusal(Map.of(), "--tags", "env=prod,role"));
        assertEquals("invalid tags (from flag --tags): at most 50 tags are allowed, got 51",
                refusal(Map.of(), "--tags", fiftyOne.toString()));
    }

    @Test
    void hostNamespacesIsASwitchFlagOrATrueFalseSetting() throws Exception {
        assertFalse(AgentConfig.from(Map.of(), new String[0]).hostNamespaces());
        assertTrue(AgentConfig.from(Map.of(), new String[] {"--host-namespaces"}).hostNamespaces());
        assertTrue(AgentConfig.from(Map.of(), new String[] {"--host-namespaces", "--gateway", "gw:1"})
                .hostNamespaces());
        assertFalse(AgentConfig.from(Map.of(), new String[] {"--host-namespaces", "false"}).hostNamespaces());
        assertTrue(AgentConfig.from(Map.of("RUNCMD_HOST_NAMESPACES", "true"), new String[0]).hostNamespaces());
        Path file = Files.writeString(dir.resolve("ns.properties"), "host-namespaces = true\n");
        assertTrue(AgentConfig.from(Map.of(), new String[] {"--config", file.toString()}).hostNamespaces());
        assertEquals("invalid host-namespaces 'yes' (from environment RUNCMD_HOST_NAMESPACES): expected true or false",
                refusal(Map.of("RUNCMD_HOST_NAMESPACES", "yes")));
    }

    private static String refusal(Map<String, String> env, String... args) {
        return assertThrows(ConfigException.class, () -> AgentConfig.from(env, args)).getMessage();
    }

    @Test
    void hostNameBecomesAValidMachineName() {
        assertEquals("my-host-example.com", HostName.toMachineName("my host!example.com"));
        assertEquals(54, HostName.toMachineName("h".repeat(80)).length());
        assertEquals("localhost", HostName.toMachineName(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "--bogus x", "--gateway", "--gateway --machine-name m", "--gateway nohostport", "--gateway host:0",
        "--gateway host:70000", "--gateway a:1,", "--gateway a:1,,b:2", "--spool-max-bytes lots", "--kill-grace-seconds abc", "--kill-grace-seconds -1", "--machine-name bad/name",
        "--machine-name " + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "--config /nonexistent/file",
        "positional"})
    void invalidFlagsAreRejected(String commandLine) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> AgentConfig.from(Map.of(), commandLine.split(" ")));
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void invalidEnvironmentValueNamesItsSource() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> AgentConfig.from(Map.of("RUNCMD_KILL_GRACE_SECONDS", "soon"), new String[0]));
        assertEquals("invalid kill-grace-seconds 'soon' (from environment RUNCMD_KILL_GRACE_SECONDS): "
                + "expected a whole number from 0 to 3600", e.getMessage());
    }

    @Test
    void unknownKeyInConfigFileIsRejected() throws Exception {
        Path file = Files.writeString(dir.resolve("typo.properties"), "gatway=host:1");
        ConfigException e = assertThrows(ConfigException.class,
                () -> AgentConfig.from(Map.of(), new String[] {"--config", file.toString()}));
        assertTrue(e.getMessage().contains("gatway"), e.getMessage());
    }

    @Test
    void mainExitsWithCode2AndOneLineOnABadFlag() throws Exception {
        Process java = javaMain("--kill-grace-seconds", "soon");
        assertTrue(java.waitFor(20, TimeUnit.SECONDS));
        String stderr = new String(java.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, java.exitValue());
        assertEquals(1, stderr.lines().count(), stderr);
        assertTrue(stderr.startsWith("runcmd-agent: invalid kill-grace-seconds 'soon'"), stderr);
    }

    @Test
    void mainPrintsUsageOnHelp() throws Exception {
        Process java = javaMain("--help");
        assertTrue(java.waitFor(20, TimeUnit.SECONDS));
        String stdout = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, java.exitValue());
        assertTrue(stdout.contains("--gateway HOST:PORT"), stdout);
    }

    private static Process javaMain(String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
    }
}
