package dev.cairn.api;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small {@code multipart/form-data} reader (RFC 7578) over a body already held in memory and
 * bounded in size. Helidon's multipart module is not available at the Helidon version we pin.
 */
final class Multipart {

    private static final int MAX_PARTS = 32;
    private static final int MAX_HEADER_BYTES = 8192;
    private static final Pattern BOUNDARY = Pattern.compile("boundary=(?:\"([^\"]+)\"|([^;\\s]+))",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern NAME = Pattern.compile("(?:^|;)\\s*name=(?:\"([^\"]*)\"|([^;\\s]+))",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern FILENAME = Pattern.compile("(?:^|;)\\s*filename=(?:\"([^\"]*)\"|([^;\\s]+))",
            Pattern.CASE_INSENSITIVE);

    record Part(String name, Optional<String> filename, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private Multipart() {
    }

    /** RFC 2046: 1 to 70 characters from a small set, so the search for it stays linear. */
    private static final Pattern VALID_BOUNDARY = Pattern.compile("[0-9A-Za-z'()+_,./:=? -]{0,69}[0-9A-Za-z'()+_,./:=?-]");

    static String boundary(String contentType) {
        Matcher m = BOUNDARY.matcher(contentType);
        if (!contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data") || !m.find()) {
            throw new CairnException(Problem.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "send this request as multipart/form-data (curl -F field=value -F schema=@bundle.tar.gz)"));
        }
        String boundary = m.group(1) != null ? m.group(1) : m.group(2);
        if (!VALID_BOUNDARY.matcher(boundary).matches()) {
            throw malformed("the boundary must be 1 to 70 characters (RFC 2046)");
        }
        return boundary;
    }

    /** Parts by field name; a field sent twice is an error rather than a silent choice. */
    static Map<String, Part> parse(byte[] body, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] separator = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int pos = indexOf(body, delimiter, 0);
        if (pos < 0) {
            throw malformed("no boundary found");
        }
        pos += delimiter.length;
        Map<String, Part> parts = new LinkedHashMap<>();
        while (true) {
            if (startsWith(body, pos, "--")) {
                return parts;
            }
            if (!startsWith(body, pos, "\r\n")) {
                throw malformed("expected a line break after the boundary");
            }
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), pos + 2);
            if (headersEnd < 0 || headersEnd - pos > MAX_HEADER_BYTES) {
                throw malformed("part headers missing or too long");
            }
            String headers = new String(body, pos + 2, headersEnd - pos - 2, StandardCharsets.UTF_8);
            int contentStart = headersEnd + 4;
            int contentEnd = indexOf(body, separator, contentStart);
            if (contentEnd < 0) {
                throw malformed("the body ends inside a part");
            }
            add(parts, headers, java.util.Arrays.copyOfRange(body, contentStart, contentEnd));
            pos = contentEnd + separator.length;
        }
    }

    private static void add(Map<String, Part> parts, String headers, byte[] content) {
        String disposition = headers.lines()
                .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-disposition:"))
                .findFirst().orElseThrow(() -> malformed("a part has no Content-Disposition"));
        String name = param(NAME, disposition).orElseThrow(() -> malformed("a part has no name"));
        if (parts.containsKey(name)) {
            throw new CairnException(Problem.of(ErrorCode.INVALID_REQUEST, "field " + name + " is sent twice")
                    .with("field", name));
        }
        if (parts.size() >= MAX_PARTS) {
            throw malformed("more than " + MAX_PARTS + " parts");
        }
        parts.put(name, new Part(name, param(FILENAME, disposition), content));
    }

    private static Optional<String> param(Pattern pattern, String header) {
        Matcher m = pattern.matcher(header.substring(header.indexOf(':') + 1));
        return m.find() ? Optional.of(m.group(1) != null ? m.group(1) : m.group(2)) : Optional.empty();
    }

    private static boolean startsWith(byte[] body, int pos, String prefix) {
        if (pos + prefix.length() > body.length) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (body[pos + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** First occurrence of {@code needle} at or after {@code from}; the first byte is scanned for cheaply. */
    static int indexOf(byte[] haystack, byte[] needle, int from) {
        byte first = needle[0];
        int last = haystack.length - needle.length;
        for (int i = from; i <= last; i++) {
            if (haystack[i] != first) {
                continue;
            }
            int j = 1;
            while (j < needle.length && haystack[i + j] == needle[j]) {
                j++;
            }
            if (j == needle.length) {
                return i;
            }
        }
        return -1;
    }

    private static CairnException malformed(String why) {
        return new CairnException(Problem.of(ErrorCode.INVALID_REQUEST, "malformed multipart body: " + why));
    }
}
