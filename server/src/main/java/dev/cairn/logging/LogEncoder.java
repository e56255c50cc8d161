package dev.cairn.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * Cairn's log lines, as text or as one JSON object per line ({@code LOG_FORMAT}).
 *
 * <p>A line carries the event's MDC (the request fields the access filter and the routes set:
 * {@code request_id}, {@code route}, {@code platform}, {@code tenant}) and its key-value pairs
 * (the access line's {@code method}, {@code path}, {@code status}, {@code duration_ms}). Text
 * lines are the usual pattern plus the MDC as {@code key=value}; key-value pairs restate the
 * message for machines, so only JSON lines carry them (numbers stay numbers). Logback's own
 * {@code JsonEncoder} writes epoch milliseconds, nests the MDC and the pairs and adds the logger
 * context to every line; this writes the flat shape log collectors index directly:
 * <pre>{"timestamp":"2026-12-01T18:26:20.123Z","level":"INFO","logger":"cairn.access","thread":"...",
 *  "message":"POST /call 404 3ms","request_id":"5f0c2a9e1b7d4c3a","route":"/call","platform":"notes",
 *  "method":"POST","path":"/call","status":404,"duration_ms":3}</pre>
 *
 * <p>Threading: {@link #encode} runs on logging threads concurrently; the format is a volatile
 * switch, so {@link #use} may change it while they log.
 */
public final class LogEncoder extends EncoderBase<ILoggingEvent> {

    public static final String TEXT = "text";
    public static final String JSON = "json";

    private static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{20} - %msg%nopex";
    private static final JsonFactory JSON_FACTORY = new JsonFactory();
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder().appendInstant(3).toFormatter();
    private static final byte[] NOTHING = new byte[0];
    private static final List<String> FIRST = List.of("request_id", "route", "platform", "tenant");
    private static final Set<String> RESERVED = Set.of("timestamp", "level", "logger", "thread", "message",
            "exception");
    private static final int MAX_FIELD_CHARS = 512;

    private final PatternLayout text = new PatternLayout();
    private volatile boolean json;

    /** Sets the format of every Cairn encoder on the root logger's appenders: {@code text} or {@code json}. */
    public static void use(String format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding: its own configuration decides
        }
        Iterator<Appender<ILoggingEvent>> appenders =
                context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
        while (appenders.hasNext()) {
            if (appenders.next() instanceof OutputStreamAppender<ILoggingEvent> out
                    && out.getEncoder() instanceof LogEncoder encoder) {
                encoder.setFormat(format);
            }
        }
    }

    /** Set from logback.xml; anything but {@code json} is text (Config rejects other values at start-up). */
    public void setFormat(String format) {
        json = JSON.equals(format.strip().toLowerCase(Locale.ROOT));
    }

    public String format() {
        return json ? JSON : TEXT;
    }

    @Override
    public void start() {
        text.setContext(getContext());
        text.setPattern(TEXT_PATTERN);
        text.start();
        super.start();
    }

    @Override
    public void stop() {
        text.stop();
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return NOTHING;
    }

    @Override
    public byte[] footerBytes() {
        return NOTHING;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return json ? json(event) : text(event);
    }

    private byte[] text(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(160).append(text.doLayout(event));
        Map<String, String> mdc = event.getMDCPropertyMap();
        for (String key : ordered(mdc.keySet())) {
            line.append(' ').append(key).append('=');
            logfmt(mdc.get(key), line);
        }
        line.append(System.lineSeparator());
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(ThrowableProxyUtil.asString(thrown));
        }
        return line.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] json(ILoggingEvent event) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON_FACTORY.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("timestamp", TIMESTAMP.format(event.getInstant()));
            g.writeStringField("level", event.getLevel().toString());
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("thread", event.getThreadName());
            g.writeStringField("message", event.getFormattedMessage());
            List<KeyValuePair> pairs = event.getKeyValuePairs() == null ? List.of() : event.getKeyValuePairs();
            Set<String> written = new HashSet<>(RESERVED);
            pairs.forEach(p -> written.add(p.key));
            Map<String, String> mdc = event.getMDCPropertyMap();
            for (String key : ordered(mdc.keySet())) {
                if (written.add(key)) {
                    g.writeStringField(key, clipped(mdc.get(key)));
                }
            }
            for (KeyValuePair p : pairs) {
                if (!RESERVED.contains(p.key)) {
                    value(g, p.key, p.value);
                }
            }
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                g.writeStringField("exception", ThrowableProxyUtil.asString(thrown));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        bytes.write('\n');
        return bytes.toByteArray();
    }

    private static void value(JsonGenerator g, String key, Object value) throws IOException {
        switch (value) {
            case Integer i -> g.writeNumberField(key, i);
            case Long l -> g.writeNumberField(key, l);
            case Double d -> g.writeNumberField(key, d);
            case Boolean b -> g.writeBooleanField(key, b);
            case null -> g.writeNullField(key);
            default -> g.writeStringField(key, clipped(String.valueOf(value)));
        }
    }

    /** The request fields in a fixed order, then any others by name, so lines read alike. */
    private static List<String> ordered(Set<String> keys) {
        List<String> out = new ArrayList<>();
        for (String k : FIRST) {
            if (keys.contains(k)) {
                out.add(k);
            }
        }
        keys.stream().filter(k -> !FIRST.contains(k)).sorted().forEach(out::add);
        return out;
    }

    /**
     * A value as one token of a text line: control characters (a forged line break) become
     * {@code ?}, values with spaces or quotes are quoted.
     */
    private static void logfmt(String value, StringBuilder line) {
        String v = clipped(value);
        boolean quote = v.isEmpty() || v.chars().anyMatch(c -> c == ' ' || c == '"' || c == '=');
        if (quote) {
            line.append('"');
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                line.append('?');
            } else if (c == '"' || c == '\\') {
                line.append('\\').append(c);
            } else {
                line.append(c);
            }
        }
        if (quote) {
            line.append('"');
        }
    }

    /** A field a client sent is at most this long in a log line. */
    private static String clipped(String value) {
        return value.length() <= MAX_FIELD_CHARS ? value : value.substring(0, MAX_FIELD_CHARS) + "...";
    }
}
