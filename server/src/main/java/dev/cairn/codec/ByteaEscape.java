package dev.cairn.codec;

import java.io.ByteArrayOutputStream;

/** Decodes {@code bytea} in the old "escape" output format, for servers set to {@code bytea_output = escape}. */
final class ByteaEscape {

    private ByteaEscape() {
    }

    static byte[] decode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                out.write(c);
            } else if (i + 1 < text.length() && text.charAt(i + 1) == '\\') {
                out.write('\\');
                i++;
            } else if (i + 3 < text.length()) {
                out.write(Integer.parseInt(text.substring(i + 1, i + 4), 8));
                i += 3;
            }
        }
        return out.toByteArray();
    }
}
