package dev.cairn.sql;

import java.util.HashSet;
import java.util.Set;

/**
 * Dollar-quote handling for normalization. {@link #quote} picks the delimiter from the content
 * alone, so the original tag never matters, and picks one the content cannot close early, so
 * the quoted form lexes back to exactly that content: normalized text therefore never makes two
 * different contents look the same.
 */
final class DollarQuotes {

    private DollarQuotes() {
    }

    /** The content between the delimiters of DOLLAR_STRING token text. */
    static String content(String tokenText) {
        int delimiterLength = tokenText.indexOf('$', 1) + 1;
        return tokenText.substring(delimiterLength, tokenText.length() - delimiterLength);
    }

    /**
     * {@code $$content$$}, or {@code $_1$content$_1$}, {@code $_2$...} when the shorter
     * delimiters occur in the content or would be completed by its last chars.
     */
    static String quote(String content) {
        Set<String> taken = tagsIn(content);
        String tag = "";
        for (int n = 1; taken.contains(tag); n++) {
            tag = "_" + n;
        }
        String delimiter = "$" + tag + "$";
        return delimiter + content + delimiter;
    }

    /**
     * Every {@code t} for which {@code $t$} occurs in the content, plus the tag chars after the
     * last {@code $} when the content ends in them ({@code ...$t} followed by the closing
     * {@code $t$} would end the string early). One pass: each char is read at most twice.
     */
    private static Set<String> tagsIn(String content) {
        Set<String> tags = new HashSet<>();
        int dollar = content.indexOf('$');
        while (dollar >= 0) {
            int end = dollar + 1;
            while (end < content.length() && Chars.isTagChar(content.charAt(end))) {
                end++;
            }
            if (end == content.length() || content.charAt(end) == '$') {
                tags.add(content.substring(dollar + 1, end));
            }
            dollar = content.indexOf('$', end);
        }
        return tags;
    }
}
