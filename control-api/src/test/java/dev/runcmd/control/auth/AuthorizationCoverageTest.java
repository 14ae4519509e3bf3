package dev.runcmd.control.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every REST method says how it is authorized: {@link Authorize} with its action, or {@link AuthorizedInside}.
 * (The filter refuses a method with neither at run time; this finds one before it ships.)
 */
class AuthorizationCoverageTest {

    private static final java.nio.file.Path SOURCES = java.nio.file.Path.of("src/main/java");

    @Test
    void everyRestMethodDeclaresItsAuthorization() throws Exception {
        List<String> resources = resourceClasses();
        assertTrue(resources.size() >= 10, "found only " + resources);
        List<String> uncovered = new ArrayList<>();
        for (String name : resources) {
            for (Class<?> type : withNested(Class.forName(name))) {
                for (Method method : type.getDeclaredMethods()) {
                    if (isRestMethod(method) && !method.isAnnotationPresent(Authorize.class)
                            && !method.isAnnotationPresent(AuthorizedInside.class)) {
                        uncovered.add(type.getSimpleName() + "." + method.getName());
                    }
                }
            }
        }
        assertEquals(List.of(), uncovered, "REST methods without @Authorize or @AuthorizedInside");
    }

    private static boolean isRestMethod(Method method) {
        return method.isAnnotationPresent(GET.class) || method.isAnnotationPresent(PUT.class)
                || method.isAnnotationPresent(POST.class) || method.isAnnotationPresent(DELETE.class)
                || method.isAnnotationPresent(PATCH.class);
    }

    private static List<Class<?>> withNested(Class<?> type) {
        List<Class<?>> all = new ArrayList<>(List.of(type));
        for (Class<?> nested : type.getDeclaredClasses()) {
            if (nested.isAnnotationPresent(Path.class)) {
                all.add(nested);
            }
        }
        return all;
    }

    /** The classes whose source declares a JAX-RS {@code @Path}. */
    private static List<String> resourceClasses() throws IOException {
        try (Stream<java.nio.file.Path> files = Files.walk(SOURCES)) {
            return files.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> read(file).contains("\n@Path(") || read(file).contains("    @Path(\"/"))
                    .map(file -> SOURCES.relativize(file).toString().replace('/', '.').replaceAll("\\.java$", ""))
                    .sorted()
                    .toList();
        }
    }

    private static String read(java.nio.file.Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
