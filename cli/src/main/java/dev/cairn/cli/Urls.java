package dev.cairn.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Path segments and query values, percent-encoded: names come from the command line. */
final class Urls {

    private Urls() {
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
