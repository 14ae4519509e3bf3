package dev.runcmd.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The objects of one rendered kustomization ({@code kubectl kustomize DIR}), with lookups by kind and name. */
record Rendered(String name, Path file, List<JsonNode> objects) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Rendered read(String name, Path file) throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(file.toFile())) {
            var documents = YAML.readValues(parser, JsonNode.class);
            while (documents.hasNext()) {
                JsonNode object = documents.next();
                if (object != null && !object.isNull() && !object.isEmpty()) {
                    objects.add(object);
                }
            }
        }
        return new Rendered(name, file, List.copyOf(objects));
    }

    Stream<JsonNode> ofKind(String kind) {
        return objects.stream().filter(object -> kind.equals(object.path("kind").asText()));
    }

    Optional<JsonNode> find(String kind, String name) {
        return ofKind(kind).filter(object -> name.equals(nameOf(object))).findFirst();
    }

    JsonNode get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError(this.name + ": no " + kind + "/" + name));
    }

    /** Deployments, StatefulSets and DaemonSets. */
    Stream<JsonNode> workloads() {
        return objects.stream().filter(object -> List.of("Deployment", "StatefulSet", "DaemonSet")
                .contains(object.path("kind").asText()));
    }

    static String nameOf(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    static String id(JsonNode object) {
        return object.path("kind").asText() + "/" + nameOf(object);
    }

    static boolean exists(Path file) {
        return Files.isRegularFile(file);
    }
}
