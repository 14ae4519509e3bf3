package dev.runcmd.e2e;

import dev.runcmd.cli.local.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Azurite, the Azure Storage emulator, installed from the npm registry into the build directory on
 * first use and run on a free port, for tests of uploads to append blobs. Knows the emulator's
 * well-known development account and signs account SAS tokens for it.
 */
final class Azurite implements AutoCloseable {

    static final String ACCOUNT = "devstoreaccount1";
    /** The emulator's published development key (not a secret). */
    private static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final int port;
    private final String sas;

    private Azurite(Process process, int port) {
        this.process = process;
        this.port = port;
        this.sas = accountSas();
    }

    /** Installs (once) and starts Azurite's blob service; waits until it answers. */
    static Azurite start() throws Exception {
        Path home = Path.of(System.getProperty("runcmd.home", ".")).resolve("e2e/target/azurite");
        Path binary = home.resolve("node_modules/.bin/azurite-blob");
        if (!Files.isExecutable(binary)) {
            Files.createDirectories(home);
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", home.toString(), "azurite@3")
                    .redirectErrorStream(true).redirectOutput(home.resolve("npm-install.log").toFile()).start();
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                throw new IOException("npm install azurite failed; see " + home.resolve("npm-install.log"));
            }
        }
        int port = Ports.free();
        Path data = Files.createTempDirectory("azurite-");
        Process process = new ProcessBuilder(List.of(binary.toString(), "--blobHost", "127.0.0.1", "--blobPort",
                Integer.toString(port), "--location", data.toString(), "--skipApiVersionCheck", "--silent"))
                .redirectErrorStream(true).redirectOutput(data.resolve("azurite.log").toFile()).start();
        Azurite azurite = new Azurite(process, port);
        Waits.until(Duration.ofSeconds(60), "Azurite to listen", azurite::answers);
        return azurite;
    }

    /** Creates a container; answers nothing, fails on error. */
    void createContainer(String container) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/" + container
                + "?restype=container&" + sas)).PUT(HttpRequest.BodyPublishers.noBody())
                .header("x-ms-version", "2019-12-12").build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201 && response.statusCode() != 409) {
            throw new IOException("create container: HTTP " + response.statusCode() + " " + response.body().replace("\n", " "));
        }
    }

    /** A blob URL with a SAS token, as a user would hand to runcmd. */
    String blobUrl(String container, String blob) {
        return base() + "/" + container + "/" + blob + "?" + sas;
    }

    /** The blob's content, or null if absent. */
    byte[] read(String container, String blob) throws Exception {
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(blobUrl(container, blob)))
                .header("x-ms-version", "2019-12-12").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        return response.statusCode() == 200 ? response.body() : null;
    }

    /** The blob's content, empty while it is absent or Azurite cannot be asked (for polling). */
    byte[] readOrEmpty(String container, String blob) {
        try {
            byte[] content = read(container, blob);
            return content == null ? new byte[0] : content;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new byte[0];
        } catch (Exception e) {
            return new byte[0];
        }
    }

    /** The blob's type header (AppendBlob, BlockBlob), or null. */
    String blobType(String container, String blob) throws Exception {
        HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(blobUrl(container, blob)))
                .header("x-ms-version", "2019-12-12").method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        return response.headers().firstValue("x-ms-blob-type").orElse(null);
    }

    private boolean answers() {
        try {
            HTTP.send(HttpRequest.newBuilder(URI.create(base() + "?comp=list&" + sas)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String base() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    /** An account SAS (version 2019-12-12) for blobs: all permissions, valid for a day. */
    private static String accountSas() {
        String permissions = "rwdlacup";
        String expiry = java.time.Instant.now().plus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        String version = "2019-12-12";
        String toSign = String.join("\n", ACCOUNT, permissions, "b", "sco", "", expiry, "", "https,http", version, "");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(KEY), "HmacSHA256"));
            String signature = Base64.getEncoder().encodeToString(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
            return "sv=" + version + "&ss=b&srt=sco&sp=" + permissions + "&se=" + encode(expiry)
                    + "&spr=https,http&sig=" + encode(signature);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
