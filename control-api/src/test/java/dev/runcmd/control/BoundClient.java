package dev.runcmd.control;

import io.grpc.Attributes;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A client on the loopback interface with its own source address (127.0.0.2, 127.0.0.3, ...), so that the
 * control API sees it as a different client than the other tests (127.0.0.1 or ::1): a gRPC channel, and an
 * HTTP/1.1 connection (plain or TLS) that sends one request at a time (and may send only a request's head).
 */
final class BoundClient implements AutoCloseable {

    /** One HTTP response: status, headers (lower-case names) and body. */
    record Response(int status, Map<String, String> headers, String body) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private final String token;

    private BoundClient(Socket socket, String token) throws IOException {
        this.token = token;
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** A plaintext gRPC channel to the app whose connections come from {@code sourceIp}. */
    static ManagedChannel grpcChannel(String sourceIp, int port) {
        return grpcChannel(sourceIp, port, TestAuth.OWNER_TOKEN);
    }

    /** A plaintext gRPC channel to the app from {@code sourceIp}, calling with {@code token}. */
    static ManagedChannel grpcChannel(String sourceIp, int port, String token) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().intercept(TestAuth.bearer(token))
                .localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
                    @Override
                    public SocketAddress createSocketAddress(SocketAddress remote, Attributes attributes) {
                        return new InetSocketAddress(sourceIp, 0);
                    }
                }).build();
    }

    /** An HTTP/1.1 connection to the app from {@code sourceIp}; every read waits at most 10 s. */
    static BoundClient http(String sourceIp, int port) throws IOException {
        return http(sourceIp, port, TestAuth.OWNER_TOKEN);
    }

    /** An HTTP/1.1 connection to the app from {@code sourceIp} whose requests carry {@code token}. */
    static BoundClient http(String sourceIp, int port, String token) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(sourceIp, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        return new BoundClient(socket, token);
    }

    /**
     * An HTTP/1.1 connection over TLS to the app from {@code sourceIp}, trusting what {@code tls} trusts and checking
     * the server's certificate names localhost; every read waits at most 10 s.
     */
    static BoundClient https(String sourceIp, int port, SSLContext tls) throws IOException {
        Socket plain = new Socket();
        plain.bind(new InetSocketAddress(sourceIp, 0));
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        plain.setSoTimeout(10_000);
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, "localhost", port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return new BoundClient(socket, null);
    }

    /** Sends a GET on this connection and reads its response (which must carry a Content-Length). */
    Response get(String path) throws IOException {
        return get(path, Map.of());
    }

    /** Sends a GET with these extra headers and reads its response (which must carry a Content-Length). */
    Response get(String path, Map<String, String> headers) throws IOException {
        StringBuilder head = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n");
        if (token != null) {
            head.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return exchange(head.append("\r\n").toString());
    }

    /** Sends only the head of a JSON PUT that announces {@code length} body bytes, and reads the response. */
    Response putHead(String path, long length) throws IOException {
        return exchange("PUT " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + length + "\r\n\r\n");
    }

    private Response exchange(String head) throws IOException {
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        int status = Integer.parseInt(readLine().split(" ")[1]);
        Map<String, String> headers = new TreeMap<>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        String length = headers.get("content-length");
        if (length == null) {
            throw new IOException("response without Content-Length: " + status + " " + headers);
        }
        return new Response(status, headers, new String(in.readNBytes(Integer.parseInt(length)),
                StandardCharsets.UTF_8));
    }

    /** True when the server has closed the connection (the next read sees its end). */
    boolean closedByServer() throws IOException {
        return in.read() == -1;
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                throw new IOException("connection closed by the server");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
