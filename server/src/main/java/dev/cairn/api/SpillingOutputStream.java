package dev.cairn.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Buffers a response body up to a limit; past it, hands the buffer to the real stream and writes
 * through. Small results go out whole with a Content-Length (and can still become an error if
 * the query fails late); large ones stream without being held in memory.
 */
final class SpillingOutputStream extends OutputStream {

    private final Supplier<OutputStream> output;
    private final int limit;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private OutputStream through;

    SpillingOutputStream(Supplier<OutputStream> output, int limit) {
        this.output = output;
        this.limit = limit;
    }

    boolean spilled() {
        return through != null;
    }

    @Override
    public void write(int b) throws IOException {
        target(1).write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        target(len).write(b, off, len);
    }

    private OutputStream target(int incoming) throws IOException {
        if (through == null && buffer.size() + incoming > limit) {
            through = output.get();
            buffer.writeTo(through);
            buffer.reset();
        }
        return through == null ? buffer : through;
    }

    /** Ends the body: the buffered bytes if it never spilled, else empty (the stream is closed). */
    Optional<byte[]> finish() throws IOException {
        if (through == null) {
            return Optional.of(buffer.toByteArray());
        }
        through.close();
        return Optional.empty();
    }

    @Override
    public void flush() throws IOException {
        if (through != null) {
            through.flush();
        }
    }
}
