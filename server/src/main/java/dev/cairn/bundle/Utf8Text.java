package dev.cairn.bundle;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes a SQL file strictly: UTF-8 or a refusal naming the file and the byte offset, never a
 * silent replacement character that would end up in a function body. A leading byte order mark
 * is dropped; a NUL byte is refused because PostgreSQL cannot take it in SQL text.
 */
final class Utf8Text {

    private static final int BOM_LENGTH = 3;

    private Utf8Text() {
    }

    static String decode(String file, byte[] bytes) {
        int start = hasBom(bytes) ? BOM_LENGTH : 0;
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        var in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        // UTF-8 never yields more chars than bytes, so one buffer is enough.
        var out = CharBuffer.allocate(bytes.length - start);
        var result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw invalid(file, bytes, in.position());
        }
        decoder.flush(out);
        refuseNul(file, bytes, start);
        return out.flip().toString();
    }

    private static boolean hasBom(byte[] b) {
        return b.length >= BOM_LENGTH && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf;
    }

    // Valid UTF-8 by now, so a zero byte is a NUL character and nothing else.
    private static void refuseNul(String file, byte[] bytes, int start) {
        for (int i = start; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw refusal(file, bytes, i, "contains a NUL character (SQL text cannot hold one)", "");
            }
        }
    }

    private static RuntimeException invalid(String file, byte[] bytes, int offset) {
        var hint = looksLikeUtf16(bytes) ? "; it looks like UTF-16, save it as UTF-8" : "";
        return refusal(file, bytes, offset, "is not valid UTF-8", hint);
    }

    private static RuntimeException refusal(String file, byte[] bytes, int offset, String problem, String hint) {
        int line = line(bytes, offset);
        return Refusals.invalid("'%s' %s at byte offset %d (line %d)%s".formatted(file, problem, offset, line, hint), file)
                .with("offset", offset)
                .with("line", line);
    }

    // UTF-16 starts with FF FE or FE FF; both bytes are invalid UTF-8, so the decoder reports them.
    private static boolean looksLikeUtf16(byte[] b) {
        return b.length >= 2 && ((b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xfe
                || (b[0] & 0xff) == 0xfe && (b[1] & 0xff) == 0xff);
    }

    private static int line(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }
}
