package dev.runcmd.agent.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class JsonFormatterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRecordIsOneJsonObjectOnOneLineWithTheDocumentedFields() throws IOException {
        LogRecord record = new LogRecord(Level.WARNING, "Gateway {0} refused: {1}");
        record.setParameters(new Object[] {"gw-1:9090", "UNAVAILABLE"});
        record.setLoggerName("dev.runcmd.agent.transport.Session");
        record.setInstant(Instant.parse("2026-12-04T12:00:00.123Z"));

        String line = new JsonFormatter().format(record);

        assertTrue(line.endsWith("}\n"), line);
        assertEquals(1, line.lines().count(), line);
        JsonNode node = JSON.readTree(line);
        assertEquals("2026-12-04T12:00:00.123Z", node.get("timestamp").asText());
        assertEquals("WARNING", node.get("level").asText());
        assertEquals("dev.runcmd.agent.transport.Session", node.get("logger").asText());
        assertEquals("Gateway gw-1:9090 refused: UNAVAILABLE", node.get("message").asText());
        assertEquals(Thread.currentThread().getName(), node.get("thread").asText());
        assertFalse(node.has("exception"), line);
    }

    @Test
    void quotesBackslashesAndControlCharactersAreEscapedSoTheLineStaysOneLine() throws IOException {
        String nasty = "say \"hi\"\\ then\nnew line\r\ttab \u0001 bell\u0007 del\u007f sep\u2028 é ✓ 😀";
        LogRecord record = new LogRecord(Level.INFO, nasty);
        record.setLoggerName("x");

        String line = new JsonFormatter().format(record);

        assertEquals(1, line.lines().count(), line);
        assertFalse(line.substring(0, line.length() - 1).chars().anyMatch(c -> c < 0x20 || c == 0x2028), line);
        assertTrue(line.contains("\\u0001") && line.contains("\\u007f") && line.contains("\\u2028"), line);
        assertEquals(nasty, JSON.readTree(line).get("message").asText());
    }

    @Test
    void anExceptionIsItsStackTraceAsOneString() throws IOException {
        LogRecord record = new LogRecord(Level.SEVERE, "journal write failed");
        record.setLoggerName("dev.runcmd.agent.exec.Journal");
        record.setThrown(new IOException("disk full", new IllegalStateException("inner")));

        JsonNode node = JSON.readTree(new JsonFormatter().format(record));

        String exception = node.get("exception").asText();
        assertTrue(exception.startsWith("java.io.IOException: disk full\n\tat "), exception);
        assertTrue(exception.contains("Caused by: java.lang.IllegalStateException: inner"), exception);
        assertEquals("journal write failed", node.get("message").asText());
    }

    @Test
    void aRecordWithoutLoggerNameHasAnEmptyLogger() throws IOException {
        LogRecord record = new LogRecord(Level.FINE, null);

        JsonNode node = JSON.readTree(new JsonFormatter().format(record));

        assertEquals("", node.get("logger").asText());
        assertEquals("FINE", node.get("level").asText());
    }
}
