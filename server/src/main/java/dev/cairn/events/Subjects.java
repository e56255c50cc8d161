package dev.cairn.events;

import java.nio.charset.StandardCharsets;

/**
 * NATS subjects of events. Every name becomes exactly one subject token: a character NATS gives a
 * meaning to ({@code .}, {@code *}, {@code >}, white space) or anything outside
 * {@code [A-Za-z0-9_-]} is written as {@code %XX} per UTF-8 byte, so an entity called
 * {@code a.b} or {@code >} cannot add levels or match wildcards; an empty name is {@code ~}
 * (which is never produced otherwise).
 */
public final class Subjects {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Subjects() {
    }

    /** {@code prefix.platform.tenant.entity.type}. */
    public static String event(String prefix, String platform, String tenant, String entity, String type) {
        return prefix + "." + token(platform) + "." + token(tenant) + "." + token(entity) + "." + token(type);
    }

    /** {@code prefix.control.platform.level...}: what happened to a platform's databases and jobs. */
    public static String control(String prefix, String platform, String... levels) {
        StringBuilder out = new StringBuilder(prefix).append(".control.").append(token(platform));
        for (String level : levels) {
            out.append('.').append(token(level));
        }
        return out.toString();
    }

    /** One subject token for {@code name}, reversible and free of NATS's separators and wildcards. */
    public static String token(String name) {
        if (name.isEmpty()) {
            return "~";
        }
        StringBuilder out = new StringBuilder(name.length());
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            char ch = (char) (b & 0xff);
            if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-') {
                out.append(ch);
            } else {
                out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
        }
        return out.toString();
    }
}
