package dev.cairn.bundle;

import dev.cairn.error.CairnException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes coming out of a decompressor and fails once they pass the expanded-size limit,
 * so a gzip bomb costs at most that much work however small it is. It counts everything, entry
 * headers and data the tar reader skips included, because all of it is decompression work.
 *
 * <p>It fails with an {@link IOException} because it runs beneath Commons Compress, which promises
 * to pass those through (possibly wrapped); {@link Refusals#unreadable} digs the refusal out.
 */
final class ExpandedBytesLimit extends FilterInputStream {

    /** Carries the refusal through library code that only expects I/O failures. */
    static final class Exceeded extends IOException {
        private final CairnException refusal;

        Exceeded(CairnException refusal) {
            super(refusal.getMessage());
            this.refusal = refusal;
        }

        CairnException refusal() {
            return refusal;
        }
    }

    private final long limit;
    private long count;

    ExpandedBytesLimit(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            add(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            add(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipping still decompresses: go through read() so it is counted.
        if (n <= 0) {
            return 0;
        }
        var buffer = new byte[(int) Math.min(n, 8192)];
        long skipped = 0;
        while (skipped < n) {
            int got = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (got < 0) {
                break;
            }
            skipped += got;
        }
        return skipped;
    }

    private void add(int n) throws Exceeded {
        count += n;
        if (count > limit) {
            throw new Exceeded(Refusals.tooLarge(BundleLimits.MAX_EXPANDED_BYTES, limit,
                    "the archive expands to more than", true));
        }
    }
}
