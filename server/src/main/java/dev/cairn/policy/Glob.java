package dev.cairn.policy;

import java.util.regex.Pattern;

/**
 * A path pattern as rules write it: {@code *} is any run of characters within one {@code /}
 * segment, {@code **} any run across segments, {@code ?} one character of a segment; everything
 * else matches itself (escaped, never a raw regular expression a rule's author could abuse).
 */
public record Glob(String text, Pattern pattern) {

    public static Glob of(String text) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return new Glob(text, Pattern.compile(regex.toString()));
    }

    public boolean matches(String value) {
        return pattern.matcher(value).matches();
    }
}
