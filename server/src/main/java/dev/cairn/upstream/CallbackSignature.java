package dev.cairn.upstream;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A callback's proof that it comes from a holder of {@code CALLBACK_SECRET}: the header
 * {@code X-Cairn-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">}. The timestamp
 * inside the signed text makes an old request useless after the window; the store refuses the
 * same signature twice within it.
 */
public final class CallbackSignature {

    public static final String HEADER = "X-Cairn-Signature";

    private CallbackSignature() {
    }

    /** The header's value for a body signed now: what a workflow step (or a test) sends. */
    public static String sign(String secret, long unixSeconds, byte[] body) {
        return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac(secret, unixSeconds, body));
    }

    /** The signature (v1) once it checks out; {@code 401} saying what is wrong otherwise. */
    static String verify(String secret, String header, byte[] body, Duration window, Instant now) {
        long t = -1;
        String v1 = "";
        for (String part : header.split(",")) {
            String p = part.strip();
            if (p.startsWith("t=")) {
                try {
                    t = Long.parseLong(p.substring(2));
                } catch (NumberFormatException e) {
                    throw refused("its timestamp is not a number");
                }
            } else if (p.startsWith("v1=")) {
                v1 = p.substring(3);
            }
        }
        if (t < 0 || v1.isEmpty()) {
            throw refused(HEADER + " must be 't=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">'");
        }
        if (Math.abs(now.getEpochSecond() - t) > window.toSeconds()) {
            throw refused("it was signed " + Math.abs(now.getEpochSecond() - t) + " s away from now, more than "
                    + window.toSeconds() + " s");
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(v1);
        } catch (IllegalArgumentException e) {
            throw refused("v1 is not hex");
        }
        if (!MessageDigest.isEqual(given, mac(secret, t, body))) {
            throw refused("the signature does not match the body");
        }
        return v1;
    }

    private static byte[] mac(String secret, long t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    static CairnException refused(String why) {
        return CairnException.of(ErrorCode.UNAUTHORIZED, "the callback is refused: " + why);
    }
}
