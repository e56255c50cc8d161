package dev.cairn.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A {@code multipart/form-data} body of text fields and one archive, built in memory. */
final class Form {

    private record Part(String name, String fileName, byte[] content) {
    }

    private final String boundary = "cairn-" + UUID.randomUUID();
    private final List<Part> parts = new ArrayList<>();

    Form field(String name, String value) {
        parts.add(new Part(name, "", value.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    Form file(String name, String fileName, byte[] content) {
        parts.add(new Part(name, fileName, content));
        return this;
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    byte[] body() {
        var out = new ByteArrayOutputStream();
        for (Part p : parts) {
            String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.name() + "\""
                    + (p.fileName().isEmpty() ? "\r\n\r\n"
                    : "; filename=\"" + p.fileName() + "\"\r\nContent-Type: application/gzip\r\n\r\n");
            out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
            out.writeBytes(p.content());
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
