package dev.cairn.bundle;

import static dev.cairn.bundle.TestArchives.dir;
import static dev.cairn.bundle.TestArchives.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.cairn.bundle.TestArchives.Entry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleLimitsTest {

    private static final long MIB = 1024 * 1024;
    private static final BundleReader DEFAULT_READER = BundleReader.create(BundleLimits.defaults());
    private static final Entry GOOD = file("tables/users.sql", "CREATE TABLE users (id int);");

    @Test
    void defaults_are_the_documented_values() {
        assertThat(BundleLimits.defaults()).isEqualTo(new BundleLimits(50 * MIB, 200 * MIB, 5000, 10 * MIB));
    }

    @Test
    void limits_must_be_positive() {
        assertThatThrownBy(() -> new BundleLimits(1, 1, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BUNDLE_MAX_FILES");
    }

    @Test
    void an_archive_over_the_size_limit_is_refused_before_reading() {
        var reader = BundleReader.create(new BundleLimits(1024, 200 * MIB, 5000, 10 * MIB));
        var archive = TestArchives.zip(GOOD, file("tables/big.sql", randomText(4096)));

        Refused.atLimit("BUNDLE_MAX_BYTES", 1024, () -> reader.read(archive, Variant.MAIN),
                "the archive is larger than 1 KiB");
    }

    @Test
    void gzip_bomb_is_refused_at_the_expanded_size_limit() throws IOException {
        // 320 MiB of zeros in 8 MiB files (each under the 10 MiB file limit): a few hundred KiB compressed.
        var bomb = zeroFilesTarGz(40, 8 * MIB);
        assertThat(bomb.length).isLessThan(1024 * 1024);

        var refusal = Refused.atLimit("BUNDLE_MAX_EXPANDED_BYTES", 200 * MIB,
                () -> DEFAULT_READER.read(bomb, Variant.MAIN), "expands to more than 200 MiB");
        assertThat(refusal.problem().fields()).doesNotContainKey("cause");
    }

    @Test
    void plain_zeros_in_gzip_are_refused_without_expanding_them() throws IOException {
        // 300 MiB of zeros is an empty tar (its first block is the end marker): nothing past it is read.
        var bytes = new ByteArrayOutputStream();
        try (var gzip = new GzipCompressorOutputStream(bytes)) {
            writeZeros(gzip, 300 * MIB);
        }
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Refused.asInvalid(
                () -> DEFAULT_READER.read(bytes.toByteArray(), Variant.MAIN), "holds no SQL file"));
    }

    @Test
    void one_file_over_the_file_limit_is_refused_naming_it() {
        var reader = BundleReader.create(new BundleLimits(50 * MIB, 200 * MIB, 5000, 1024));
        var big = file("tables/big.sql", randomText(1025));

        for (var archive : new byte[][] {TestArchives.tarGz(GOOD, big), TestArchives.zip(GOOD, big)}) {
            var refusal = Refused.atLimit("BUNDLE_MAX_FILE_BYTES", 1024, () -> reader.read(archive, Variant.MAIN),
                    "'tables/big.sql' is larger than 1 KiB");
            assertThat(refusal.problem().fields()).containsEntry("file", "tables/big.sql");
        }
    }

    @Test
    void a_directory_file_over_the_file_limit_is_refused(@TempDir Path directory) {
        var reader = BundleReader.create(new BundleLimits(50 * MIB, 200 * MIB, 5000, 1024));
        TestArchives.directory(directory, GOOD, file("tables/big.sql", randomText(2000)));

        Refused.atLimit("BUNDLE_MAX_FILE_BYTES", 1024, () -> reader.read(directory, Variant.MAIN), "'tables/big.sql'");
    }

    @Test
    void files_adding_up_past_the_expanded_limit_are_refused_in_a_zip() {
        var reader = BundleReader.create(new BundleLimits(50 * MIB, 10_000, 5000, 4096));
        var entries = new Entry[5];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = file("tables/t" + i + ".sql", randomText(3000));
        }

        Refused.atLimit("BUNDLE_MAX_EXPANDED_BYTES", 10_000, () -> reader.read(TestArchives.zip(entries), Variant.MAIN),
                "add up to more than 10000 bytes");
    }

    @Test
    void a_hundred_thousand_tiny_files_are_refused_quickly() throws IOException {
        var reader = BundleReader.create(new BundleLimits(50 * MIB, 200 * MIB, 1000, 10 * MIB));
        var tarGz = emptyFilesTarGz(100_000);
        var zip = emptyFilesZip(100_000);

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            Refused.atLimit("BUNDLE_MAX_FILES", 1000, () -> reader.read(tarGz, Variant.MAIN), "more entries");
            Refused.atLimit("BUNDLE_MAX_FILES", 1000, () -> reader.read(zip, Variant.MAIN), "more entries");
        });
    }

    @Test
    void directories_count_as_entries() {
        var reader = BundleReader.create(new BundleLimits(50 * MIB, 200 * MIB, 4, 10 * MIB));
        var archive = TestArchives.tarGz(dir("a/"), dir("b/"), dir("c/"), dir("tables/"), GOOD);

        Refused.atLimit("BUNDLE_MAX_FILES", 4, () -> reader.read(archive, Variant.MAIN), "(files and directories)");
    }

    @Test
    void a_directory_with_too_many_entries_is_refused(@TempDir Path directory) {
        var reader = BundleReader.create(new BundleLimits(50 * MIB, 200 * MIB, 10, 10 * MIB));
        var entries = new Entry[20];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = file("tables/t" + i + ".sql", "t");
        }
        TestArchives.directory(directory, entries);

        Refused.atLimit("BUNDLE_MAX_FILES", 10, () -> reader.read(directory, Variant.MAIN), "more entries");
    }

    @Test
    void a_bundle_exactly_at_the_limits_is_read() {
        var reader = BundleReader.create(new BundleLimits(50 * MIB, 2048, 2, 1024));
        var archive = TestArchives.zip(file("tables/a.sql", "a".repeat(1024)), file("tables/b.sql", "b".repeat(1024)));

        assertThat(reader.read(archive, Variant.MAIN).files()).hasSize(2);
    }

    private static byte[] zeroFilesTarGz(int files, long size) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var gzip = new GzipCompressorOutputStream(bytes); var tar = new TarArchiveOutputStream(gzip)) {
            for (int i = 0; i < files; i++) {
                var entry = new TarArchiveEntry("tables/zeros_" + i + ".sql");
                entry.setSize(size);
                tar.putArchiveEntry(entry);
                writeZeros(tar, size);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] emptyFilesTarGz(int files) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var gzip = new GzipCompressorOutputStream(bytes); var tar = new TarArchiveOutputStream(gzip)) {
            for (int i = 0; i < files; i++) {
                tar.putArchiveEntry(new TarArchiveEntry("tables/t" + i + ".sql"));
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] emptyFilesZip(int files) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipArchiveOutputStream(bytes)) {
            for (int i = 0; i < files; i++) {
                zip.putArchiveEntry(new ZipArchiveEntry("t" + i));
                zip.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static void writeZeros(java.io.OutputStream out, long size) throws IOException {
        var zeros = new byte[64 * 1024];
        for (long written = 0; written < size; written += zeros.length) {
            out.write(zeros, 0, (int) Math.min(zeros.length, size - written));
        }
    }

    private static String randomText(int length) {
        var random = new java.util.Random(length);
        var text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }
}
