package dev.runcmd.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Renders every kustomization runcmd ships with the real {@code kubectl kustomize}, validates every object against
 * the Kubernetes API schemas (kubernetes-models, through {@code validate/validate.mjs} on Node.js), and checks the
 * invariants the deployment promises: no privileged service pod, probes, default-deny network policies with exactly
 * the needed paths, disruption budgets, an autoscaler, shutdown budgets that match the graceful-stop code, the
 * gateway reachable from outside, generated (not placeholder) secrets.
 *
 * <p>Needs kubectl, node and npm on the PATH ({@code .ci/run} installs kubectl when it is missing).
 */
class ManifestsTest {

    private static final Path SOURCE = Path.of("").toAbsolutePath();
    private static final Path WORK = SOURCE.resolve("target/manifests");
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final String SERVICES_NAMESPACE = "runcmd";

    private static final Map<String, Rendered> RENDERED = new LinkedHashMap<>();
    private static List<String> validation;

    @BeforeAll
    static void render() throws Exception {
        copyTree(SOURCE, WORK.resolve("k8s"));
        Path k8s = WORK.resolve("k8s");
        run(k8s, List.of("bash", "secrets.sh", "overlays/dev"));
        // The optional monitoring component, as a user adds it to an overlay.
        Path monitored = k8s.resolve("overlays/dev-monitoring");
        Files.createDirectories(monitored);
        Files.writeString(monitored.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [../dev]
                components: [../../components/monitoring]
                """);
        for (String name : List.of("overlays/dev", "overlays/production", "node-agent", "overlays/dev-monitoring")) {
            Path out = WORK.resolve(name.replace('/', '-') + ".yaml");
            Files.writeString(out, run(k8s, List.of("kubectl", "kustomize", name)));
            RENDERED.put(name, Rendered.read(name, out));
        }

        Path node = WORK.resolve("validate");
        Files.createDirectories(node);
        for (String file : List.of("package.json", "package-lock.json", "validate.mjs")) {
            Files.copy(SOURCE.resolve("validate").resolve(file), node.resolve(file),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(node.resolve("node_modules"))) {
            run(node, List.of("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"));
        }
        List<String> command = new ArrayList<>(List.of("node", "validate.mjs"));
        RENDERED.values().forEach(rendered -> command.add(rendered.file().toString()));
        validation = runAllowingFailure(node, command).lines().toList();
    }

    @Test
    void everyObjectMatchesTheKubernetesSchemas() {
        List<String> invalid = validation.stream().filter(line -> line.startsWith("invalid")).toList();
        assertTrue(invalid.isEmpty(), "objects that do not match the Kubernetes API schemas: " + invalid);
        List<String> unchecked = validation.stream().filter(line -> line.startsWith("noschema")).toList();
        // Only the CloudNativePG Cluster has no published schema package.
        assertTrue(unchecked.stream().allMatch(line -> line.startsWith("noschema postgresql.cnpg.io/v1 Cluster/")),
                "objects without a schema: " + unchecked);
        long objects = RENDERED.values().stream().mapToLong(rendered -> rendered.objects().size()).sum();
        assertEquals(objects, validation.stream().filter(line -> line.startsWith("valid ")).count() + unchecked.size(),
                "every rendered object is checked once: " + validation);
    }

    @Test
    void servicePodsAreRestricted() {
        for (Rendered rendered : List.of(overlay("overlays/dev"), overlay("overlays/production"))) {
            assertEquals("restricted", rendered.get("Namespace", SERVICES_NAMESPACE).path("metadata").path("labels")
                    .path("pod-security.kubernetes.io/enforce").asText(), rendered.name());
            List<JsonNode> workloads = rendered.workloads().toList();
            assertFalse(workloads.isEmpty());
            for (JsonNode workload : workloads) {
                String id = rendered.name() + " " + Rendered.id(workload);
                JsonNode pod = podSpec(workload);
                assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean(), id + ": runAsNonRoot");
                assertEquals("RuntimeDefault", pod.path("securityContext").path("seccompProfile").path("type").asText(),
                        id + ": seccomp");
                assertFalse(pod.path("automountServiceAccountToken").asBoolean(true), id + ": service account token");
                for (String host : List.of("hostPID", "hostNetwork", "hostIPC")) {
                    assertFalse(pod.path(host).asBoolean(), id + ": " + host);
                }
                pod.path("volumes").forEach(volume -> assertTrue(volume.path("hostPath").isMissingNode(),
                        id + ": hostPath volume " + volume));
                for (JsonNode container : containers(pod)) {
                    JsonNode security = container.path("securityContext");
                    String cid = id + " container " + container.path("name").asText();
                    assertFalse(security.path("privileged").asBoolean(), cid + ": privileged");
                    assertFalse(security.path("allowPrivilegeEscalation").asBoolean(true), cid + ": escalation");
                    assertTrue(security.path("readOnlyRootFilesystem").asBoolean(), cid + ": read-only root");
                    assertTrue(texts(security.path("capabilities").path("drop")).contains("ALL"), cid + ": caps");
                    assertTrue(security.path("capabilities").path("add").isMissingNode(), cid + ": added caps");
                    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                        assertFalse(container.path(probe).isMissingNode(), cid + ": " + probe);
                    }
                    assertFalse(container.path("resources").path("requests").isMissingNode(), cid + ": requests");
                    assertFalse(container.path("resources").path("limits").path("memory").isMissingNode(),
                            cid + ": memory limit");
                    assertTrue(container.path("image").asText().matches(".+:[^:/]+") && !container.path("image")
                            .asText().endsWith(":latest"), cid + ": image pinned to a tag: " + container.path("image"));
                }
            }
            rendered.ofKind("ServiceAccount").forEach(account -> assertFalse(
                    account.path("automountServiceAccountToken").asBoolean(true), Rendered.id(account)));
        }
    }

    @Test
    void networkPoliciesDenyByDefaultAndOpenExactlyTheNeededPaths() {
        Rendered dev = overlay("overlays/dev");
        JsonNode deny = dev.get("NetworkPolicy", "default-deny").path("spec");
        assertTrue(deny.path("podSelector").isEmpty(), "default-deny selects every pod");
        assertEquals(Set.of("Ingress", "Egress"), Set.copyOf(texts(deny.path("policyTypes"))));
        assertTrue(deny.path("ingress").isMissingNode() && deny.path("egress").isMissingNode(), "denies everything");

        // Every pod is selected by a policy of its own besides the default deny.
        dev.workloads().forEach(workload -> {
            JsonNode labels = podTemplate(workload).path("metadata").path("labels");
            assertTrue(dev.ofKind("NetworkPolicy").filter(policy -> !Rendered.nameOf(policy).startsWith("default-")
                            && !Rendered.nameOf(policy).equals("allow-dns"))
                    .anyMatch(policy -> selects(policy.path("spec").path("podSelector"), labels)),
                    Rendered.id(workload) + " has a network policy");
        });

        JsonNode gateway = dev.get("NetworkPolicy", "gateway").path("spec");
        assertEquals(Map.of(9090, "anyone", 9092, "control-api", 9091, "scrape"), ingressSources(gateway));
        assertEquals(List.of(5432), egressPorts(gateway));
        JsonNode controlApi = dev.get("NetworkPolicy", "control-api").path("spec");
        assertEquals(Map.of(8080, "anyone", 9000, "scrape"), ingressSources(controlApi));
        assertEquals(List.of(9092, 5432, 443), egressPorts(controlApi));
        JsonNode postgres = dev.get("NetworkPolicy", "postgres").path("spec");
        assertEquals(Set.of("control-api", "gateway"), postgres.path("ingress").get(0).path("from").findValues(
                "app.kubernetes.io/name").stream().map(JsonNode::asText).collect(Collectors.toSet()));
        assertTrue(postgres.path("egress").isMissingNode(), "PostgreSQL dials nothing");
    }

    @Test
    void disruptionBudgetsAutoscalerAndSpread() {
        for (Rendered rendered : List.of(overlay("overlays/dev"), overlay("overlays/production"))) {
            for (String name : List.of("control-api", "gateway")) {
                JsonNode budget = rendered.get("PodDisruptionBudget", name).path("spec");
                assertEquals(name, budget.path("selector").path("matchLabels").path("app.kubernetes.io/name").asText());
                assertTrue(budget.has("minAvailable") || budget.has("maxUnavailable"));
                JsonNode deployment = rendered.get("Deployment", name);
                assertTrue(deployment.path("spec").path("replicas").asInt() >= 2, name + " replicas");
                assertEquals(2, podSpec(deployment).path("topologySpreadConstraints").size(), name + " spread");
            }
            JsonNode autoscaler = rendered.get("HorizontalPodAutoscaler", "control-api").path("spec");
            assertEquals("control-api", autoscaler.path("scaleTargetRef").path("name").asText());
            assertTrue(autoscaler.path("minReplicas").asInt() >= 2);
        }
    }

    /** The grace period covers the preStop pause, Quarkus' shutdown delay and its graceful-stop timeout. */
    @Test
    void shutdownBudgetsMatchTheGracefulStop() {
        Rendered dev = overlay("overlays/dev");
        for (String name : List.of("control-api", "gateway")) {
            JsonNode pod = podSpec(dev.get("Deployment", name));
            JsonNode container = containers(pod).get(0);
            Map<String, String> env = env(container);
            long preStop = container.path("lifecycle").path("preStop").path("exec").path("command").size() == 2
                    ? Long.parseLong(container.path("lifecycle").path("preStop").path("exec").path("command").get(1)
                            .asText()) : 0;
            long delay = seconds(env.getOrDefault("QUARKUS_SHUTDOWN_DELAY", "0s"));
            long timeout = seconds(env.get("QUARKUS_SHUTDOWN_TIMEOUT"));
            assertTrue(preStop + delay > 0, name + " stops taking traffic before it stops");
            assertTrue(pod.path("terminationGracePeriodSeconds").asLong() >= preStop + delay + timeout + 5,
                    name + ": grace " + pod.path("terminationGracePeriodSeconds") + " < " + preStop + "+" + delay + "+"
                            + timeout + "+5");
        }
    }

    @Test
    void gatewayIsReachableFromOutsideAndByDnsFailover() {
        Rendered dev = overlay("overlays/dev");
        JsonNode external = dev.get("Service", "gateway").path("spec");
        assertEquals("LoadBalancer", external.path("type").asText());
        assertEquals(9090, external.path("ports").get(0).path("port").asInt());
        JsonNode headless = dev.get("Service", "gateway-agents").path("spec");
        assertEquals("None", headless.path("clusterIP").asText());
        Map<String, String> env = env(containers(podSpec(dev.get("Deployment", "gateway"))).get(0));
        String names = env.get("RUNCMD_GATEWAY_TLS_NAMES");
        for (String name : List.of("$(RUNCMD_GATEWAY_PUBLIC_NAMES)", "gateway.$(POD_NAMESPACE).svc",
                "gateway-agents.$(POD_NAMESPACE).svc", "$(POD_IP)")) {
            assertTrue(names.contains(name), "the gateway certificate names " + name + ": " + names);
        }
        // Kubernetes expands $(VAR) only for variables defined before.
        List<String> order = new ArrayList<>(env.keySet());
        assertTrue(order.indexOf("RUNCMD_GATEWAY_PUBLIC_NAMES") < order.indexOf("RUNCMD_GATEWAY_TLS_NAMES"));
    }

    @Test
    void theNodeAgentIsPrivilegedOnlyInItsOwnNamespace() {
        Rendered nodeAgent = overlay("node-agent");
        JsonNode daemonSet = nodeAgent.get("DaemonSet", "runcmd-agent");
        String namespace = daemonSet.path("metadata").path("namespace").asText();
        assertFalse(namespace.equals(SERVICES_NAMESPACE));
        assertEquals("privileged", nodeAgent.get("Namespace", namespace).path("metadata").path("labels")
                .path("pod-security.kubernetes.io/enforce").asText());
        assertEquals("true", daemonSet.path("metadata").path("labels").path("runcmd.dev/privileged").asText());
        JsonNode pod = podSpec(daemonSet);
        assertTrue(pod.path("hostPID").asBoolean(), "nsenter reaches the host's PID 1");
        JsonNode container = containers(pod).get(0);
        assertTrue(container.path("securityContext").path("privileged").asBoolean());
        assertEquals("true", env(container).get("RUNCMD_HOST_NAMESPACES"));
        // The work directory has the same path inside and on the host, where the scripts run.
        JsonNode mount = container.path("volumeMounts").get(0);
        JsonNode volume = pod.path("volumes").get(0);
        assertEquals(volume.path("hostPath").path("path").asText(), mount.path("mountPath").asText());
        assertEquals(mount.path("mountPath").asText(), env(container).get("RUNCMD_WORK_DIR"));
        assertTrue(overlay("overlays/dev").workloads().noneMatch(workload -> containers(podSpec(workload)).stream()
                .anyMatch(c -> c.path("securityContext").path("privileged").asBoolean())));
    }

    @Test
    void secretsAreGeneratedInDevAndNeverPlaceholders() {
        Rendered dev = overlay("overlays/dev");
        Map<String, JsonNode> secrets = dev.ofKind("Secret").collect(Collectors.toMap(
                secret -> Rendered.nameOf(secret).replaceAll("-[a-z0-9]{10}$", ""), secret -> secret));
        assertEquals(Set.of("runcmd-db", "runcmd-secrets", "runcmd-bootstrap-owner"), secrets.keySet());
        secrets.values().forEach(secret -> secret.path("data").fields().forEachRemaining(entry -> {
            String value = new String(Base64.getMimeDecoder().decode(entry.getValue().asText()), StandardCharsets.UTF_8);
            assertFalse(value.isBlank(), Rendered.id(secret) + "/" + entry.getKey());
            assertFalse(value.matches("(?i).*(change-?me|replace|example|placeholder).*"),
                    Rendered.id(secret) + "/" + entry.getKey() + " is a placeholder");
        }));
        assertEquals(32, Base64.getDecoder().decode(Base64.getMimeDecoder().decode(
                secrets.get("runcmd-secrets").path("data").path("secrets-key").asText())).length);
        assertTrue(new String(Base64.getMimeDecoder().decode(secrets.get("runcmd-bootstrap-owner").path("data")
                .path("token").asText()), StandardCharsets.UTF_8)
                .matches("runcmd-pat\\.[0-9a-f]{32}\\.[A-Za-z0-9_-]{43}"));
        // Production generates none: they come from existing Secrets of the documented names.
        Rendered production = overlay("overlays/production");
        assertEquals(0, production.ofKind("Secret").count());
        Set<String> referenced = production.workloads().flatMap(workload -> containers(podSpec(workload)).stream())
                .flatMap(container -> container.findValues("secretKeyRef").stream())
                .map(reference -> reference.path("name").asText()).collect(Collectors.toSet());
        assertEquals(Set.of("runcmd-db", "runcmd-secrets"), referenced);
    }

    @Test
    void monitoringAddsServiceMonitorsForBothServices() {
        Rendered monitored = overlay("overlays/dev-monitoring");
        List<JsonNode> monitors = monitored.ofKind("ServiceMonitor").toList();
        Set<String> selected = monitors.stream().flatMap(monitor -> monitor.path("spec").path("selector")
                .path("matchLabels").findValues("app.kubernetes.io/name").stream()).map(JsonNode::asText)
                .collect(Collectors.toSet());
        assertEquals(Set.of("control-api", "gateway"), selected);
        monitors.forEach(monitor -> monitor.path("spec").path("endpoints").forEach(endpoint ->
                assertEquals("/q/metrics", endpoint.path("path").asText())));
        assertTrue(monitored.ofKind("ConfigMap").anyMatch(map -> "1".equals(map.path("metadata").path("labels")
                .path("grafana_dashboard").asText())), "the Grafana dashboard");
    }

    // --- helpers ---

    private static Rendered overlay(String name) {
        return RENDERED.get(name);
    }

    private static JsonNode podTemplate(JsonNode workload) {
        return workload.path("spec").path("template");
    }

    private static JsonNode podSpec(JsonNode workload) {
        return podTemplate(workload).path("spec");
    }

    private static List<JsonNode> containers(JsonNode pod) {
        List<JsonNode> all = new ArrayList<>();
        pod.path("initContainers").forEach(all::add);
        pod.path("containers").forEach(all::add);
        return all;
    }

    private static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        container.path("env").forEach(variable -> env.put(variable.path("name").asText(),
                variable.has("value") ? variable.path("value").asText() : "<from " + variable.path("valueFrom") + ">"));
        return env;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    private static boolean selects(JsonNode selector, JsonNode labels) {
        JsonNode match = selector.path("matchLabels");
        if (match.isEmpty()) {
            return false;
        }
        List<Map.Entry<String, JsonNode>> required = new ArrayList<>();
        match.fields().forEachRemaining(required::add);
        return required.stream().allMatch(entry -> entry.getValue().asText().equals(labels.path(entry.getKey())
                .asText()));
    }

    /** Port to who may reach it: "anyone", an app name, or "scrape" (namespaces labelled for Prometheus). */
    private static Map<Integer, String> ingressSources(JsonNode policy) {
        Map<Integer, String> sources = new LinkedHashMap<>();
        for (JsonNode rule : policy.path("ingress")) {
            String from;
            if (rule.path("from").isMissingNode()) {
                from = "anyone";
            } else if (rule.path("from").findValue("runcmd.dev/scrape") != null) {
                from = "scrape";
            } else {
                from = rule.path("from").findValues("app.kubernetes.io/name").stream().map(JsonNode::asText)
                        .collect(Collectors.joining(","));
            }
            rule.path("ports").forEach(port -> sources.put(port.path("port").asInt(), from));
        }
        return sources;
    }

    private static List<Integer> egressPorts(JsonNode policy) {
        List<Integer> ports = new ArrayList<>();
        policy.path("egress").forEach(rule -> rule.path("ports").forEach(port -> ports.add(port.path("port").asInt())));
        return ports;
    }

    private static long seconds(String duration) {
        assertTrue(duration != null && duration.matches("\\d+s"), "a duration in seconds: " + duration);
        return Long.parseLong(duration.substring(0, duration.length() - 1));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path relative = from.relativize(path);
                if (relative.startsWith("target") || relative.startsWith("src") || relative.toString()
                        .contains("secrets" + java.io.File.separator) || relative.endsWith("secrets")
                        || relative.toString().contains("node_modules")) {
                    continue;
                }
                Path target = to.resolve(relative.toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static String run(Path directory, List<String> command) throws Exception {
        Result result = execute(directory, command);
        if (result.exit != 0) {
            fail(String.join(" ", command) + " failed (" + result.exit + "): " + result.output);
        }
        return result.output;
    }

    private static String runAllowingFailure(Path directory, List<String> command) throws Exception {
        return execute(directory, command).output;
    }

    private record Result(int exit, String output) {}

    private static Result execute(Path directory, List<String> command) throws Exception {
        Path output = Files.createTempFile(WORK, "out", ".txt");
        Path errors = Files.createTempFile(WORK, "err", ".txt");
        Process process;
        try {
            process = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
        } catch (IOException missing) {
            fail(command.get(0) + " is needed on the PATH (.ci/run installs kubectl): " + missing.getMessage());
            throw missing;
        }
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish within " + TIMEOUT);
        }
        String out = Files.readString(output);
        int exit = process.exitValue();
        if (exit != 0) {
            out = out + Files.readString(errors);
        }
        return new Result(exit, out);
    }
}
