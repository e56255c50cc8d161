package dev.cairn.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The two ways StoneScript's PHP clients put requests on the wire, byte for byte as far as the
 * gateway can tell, without any of Cairn's own test conveniences:
 *
 * <ul>
 *   <li>{@code curl…}: stonescriptdb-gateway-client's {@code GatewayClient} (PHP curl): HTTP/1.1,
 *       {@code Expect: 100-continue} on uploads, curl's multipart encoding with the bundle as
 *       {@code postgresql.tar.gz} ({@code application/gzip});</li>
 *   <li>{@link #stream}: the StoneScriptPHP CLI's {@code gatewayHttpRequest} ({@code file_get_contents}
 *       with a stream context, PHP 8): HTTP/1.1 with {@code Connection: close}, its own header
 *       lines, the body read until the server closes the connection (de-chunked if need be), and
 *       the status taken from the status line.</li>
 * </ul>
 */
final class PhpWire {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CURL = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** What the PHP code looks at: the status code and the body (json_decode'd when it is JSON). */
    record Reply(int code, String body, Map<String, String> headers) {
        JsonNode json() {
            try {
                return body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + code + "): " + body, e);
            }
        }

        @Override
        public String toString() {
            return code + " " + body;
        }
    }

    /** One multipart field as the PHP code adds it: text, or the bundle file. */
    record Field(String name, Object value) {
    }

    private final int port;

    PhpWire(int port) {
        this.port = port;
    }

    // ---- GatewayClient (curl) ------------------------------------------------------------------

    /** {@code curl_setopt(CURLOPT_POSTFIELDS, json_encode($payload))} with the client's JSON headers. */
    Reply curlJson(String path, String json, String... headers) {
        HttpRequest.Builder b = request(path, headers).header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        return curl(b.build());
    }

    /**
     * A CURLFile upload as libcurl sends it: its boundary, {@code Expect: 100-continue}, then the
     * body once the server says {@code 100 Continue} (or after curl's one-second wait); a final
     * answer instead of the 100 ends the exchange without the body. Over a raw socket because
     * the JDK client's own expect-continue handling differs from curl's.
     */
    Reply curlForm(String path, List<Field> fields, String... headers) {
        String boundary = "------------------------" + hex(16);
        byte[] body = multipart(boundary, fields);
        StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(port).append("\r\nAccept: application/json\r\nContent-Length: ").append(body.length)
                .append("\r\nContent-Type: multipart/form-data; boundary=").append(boundary)
                .append("\r\nExpect: 100-continue\r\n");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            String interim = "";
            try {
                interim = readHead(in);
            } catch (java.net.SocketTimeoutException e) {
                // curl's CURLOPT_EXPECT_100_TIMEOUT_MS: send the body anyway
            }
            socket.setSoTimeout(120_000);
            if (!interim.isEmpty() && !interim.startsWith("HTTP/1.1 100")) {
                return response(interim, in);
            }
            out.write(body);
            out.flush();
            return response(readHead(in), in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The status line and headers, up to the blank line. */
    private static String readHead(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("the server closed the connection before answering");
            }
            head.write(c);
            matched = (c == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** The body after {@code head}: Content-Length bytes, or chunks; the connection may stay open. */
    private static Reply response(String head, InputStream in) throws IOException {
        String[] lines = head.strip().split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        byte[] content;
        if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
            var chunks = new ByteArrayOutputStream();
            while (true) {
                String size = readLine(in);
                int n = Integer.parseInt(size.split(";")[0].strip(), 16);
                if (n == 0) {
                    readLine(in);
                    break;
                }
                chunks.write(in.readNBytes(n));
                readLine(in);
            }
            content = chunks.toByteArray();
        } else {
            content = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        }
        int code = Integer.parseInt(lines[0].split(" ")[1]);
        return new Reply(code, new String(content, StandardCharsets.UTF_8), headers);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /** A body of any type, as a misconfigured client would send it. */
    Reply curlPost(String path, String contentType, String body) {
        return curl(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    Reply curlGet(String path) {
        return curl(request(path).GET().build());
    }

    private HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(120));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    private static Reply curl(HttpRequest request) {
        try {
            HttpResponse<String> r = CURL.send(request, HttpResponse.BodyHandlers.ofString());
            Map<String, String> headers = new LinkedHashMap<>();
            r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
            return new Reply(r.statusCode(), r.body(), headers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- StoneScriptPHP CLI (file_get_contents) ------------------------------------------------

    /** {@code gatewayJsonHeaders($payload, $token)} then {@code gatewayHttpRequest('POST', ...)}. */
    Reply streamJson(String path, String payload, String bearer) {
        List<String> headers = new ArrayList<>(List.of("Content-Type: application/json",
                "Content-Length: " + payload.getBytes(StandardCharsets.UTF_8).length));
        if (bearer != null) {
            headers.add("Authorization: Bearer " + bearer);
        }
        return stream("POST", path, headers, payload.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code stepUploadSchema}: boundary {@code uniqid()}, the body built by string concatenation. */
    Reply streamUpload(String platform, String schemaName, byte[] tarGz, String bearer) {
        String boundary = hex(13);
        var body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"schema_name\"\r\n\r\n"
                + schemaName + "\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"schema\"; "
                + "filename=\"postgresql.tar.gz\"\r\nContent-Type: application/gzip\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(tarGz);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        List<String> headers = new ArrayList<>(List.of("Content-Type: multipart/form-data; boundary=" + boundary,
                "Content-Length: " + body.size()));
        if (bearer != null) {
            headers.add("Authorization: Bearer " + bearer);
        }
        return stream("POST", "/platform/" + platform + "/schema", headers, body.toByteArray());
    }

    Reply streamGet(String path, String bearer) {
        return stream("GET", path, bearer == null ? List.of() : List.of("Authorization: Bearer " + bearer), null);
    }

    /**
     * PHP 8's http stream wrapper ({@code protocol_version} 1.1 since PHP 8.0): the request line,
     * Host, the caller's header lines, {@code Connection: close} (added because it reads to the
     * end of the stream), the content; then it reads until the server closes the connection, so
     * a server that ignored {@code Connection: close} would hang the CLI.
     */
    private Reply stream(String method, String path, List<String> headers, byte[] body) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\n");
            headers.forEach(h -> head.append(h).append("\r\n"));
            head.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return parse(socket.getInputStream().readAllBytes());
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open despite Connection: close:"
                    + " file_get_contents would hang", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Reply parse(byte[] raw) throws IOException {
        String all = new String(raw, StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new AssertionError("no HTTP response: " + all);
        }
        String[] lines = all.substring(0, end).split("\r\n");
        java.util.regex.Matcher status = java.util.regex.Pattern.compile("^HTTP/\\d\\.\\d (\\d+)").matcher(lines[0]);
        if (!status.find()) {
            throw new AssertionError("bad status line: " + lines[0]);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        byte[] content = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
            content = dechunk(content);
        }
        return new Reply(Integer.parseInt(status.group(1)), new String(content, StandardCharsets.UTF_8), headers);
    }

    /** PHP applies its dechunk filter when the server sends Transfer-Encoding: chunked. */
    private static byte[] dechunk(byte[] in) throws IOException {
        var out = new ByteArrayOutputStream();
        InputStream s = new java.io.ByteArrayInputStream(in);
        while (true) {
            StringBuilder size = new StringBuilder();
            int c;
            while ((c = s.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    size.append((char) c);
                }
            }
            int n = Integer.parseInt(size.toString().split(";")[0].strip(), 16);
            if (n == 0) {
                return out.toByteArray();
            }
            out.write(s.readNBytes(n));
            s.readNBytes(2);
        }
    }

    // ---- encodings -----------------------------------------------------------------------------

    /** curl's multipart/form-data: text parts bare, file parts with filename and type. */
    static byte[] multipart(String boundary, List<Field> fields) {
        var out = new ByteArrayOutputStream();
        for (Field f : fields) {
            out.writeBytes(("--" + boundary + "\r\n").getBytes(StandardCharsets.UTF_8));
            if (f.value() instanceof byte[] file) {
                out.writeBytes(("Content-Disposition: form-data; name=\"" + f.name()
                        + "\"; filename=\"postgresql.tar.gz\"\r\nContent-Type: application/gzip\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.writeBytes(file);
            } else {
                out.writeBytes(("Content-Disposition: form-data; name=\"" + f.name() + "\"\r\n\r\n" + f.value())
                        .getBytes(StandardCharsets.UTF_8));
            }
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** PHP's json_encode: slashes escaped as {@code \/}, which every JSON reader must accept. */
    static String phpJson(Object value) {
        try {
            return JSON.writeValueAsString(value).replace("/", "\\/");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String hex(int digits) {
        StringBuilder s = new StringBuilder();
        while (s.length() < digits) {
            s.append(Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
        }
        return s.substring(0, digits);
    }
}
