package dev.cairn.bundle;

import static dev.cairn.bundle.TestArchives.charDevice;
import static dev.cairn.bundle.TestArchives.file;
import static dev.cairn.bundle.TestArchives.hardLink;
import static dev.cairn.bundle.TestArchives.symlink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cairn.bundle.TestArchives.Entry;
import dev.cairn.error.CairnException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives built to hurt: every one must end in a clean Cairn refusal. */
class HostileArchiveTest {

    private static final BundleReader READER = BundleReader.create(BundleLimits.defaults());
    private static final Entry GOOD = file("postgresql/tables/users.sql", "CREATE TABLE users (id int);");

    private static Bundle read(byte[] archive) {
        return READER.read(archive, Variant.MAIN);
    }

    @Test
    void a_parent_directory_entry_is_refused() {
        var refusal = Refused.asInvalid(() -> read(TestArchives.tarGz(GOOD, file("../tables/evil.sql", "x"))),
                "'../tables/evil.sql'", "'..'");
        assertThat(refusal.problem().fields()).containsEntry("file", "../tables/evil.sql");
    }

    @Test
    void a_parent_directory_in_the_middle_of_a_name_is_refused() {
        Refused.asInvalid(() -> read(TestArchives.tarGz(GOOD, file("foo/../../x.sql", "x"))), "'foo/../../x.sql'", "'..'");
        Refused.asInvalid(() -> read(TestArchives.zip(GOOD, file("postgresql/./tables//../../x.sql", "x"))), "'..'");
    }

    @Test
    void an_absolute_path_is_refused() {
        Refused.asInvalid(() -> read(TestArchives.tarGz(GOOD, file("/etc/cron.d/tables/x.sql", "x"))),
                "'/etc/cron.d/tables/x.sql'", "absolute path");
        Refused.asInvalid(() -> read(TestArchives.zip(GOOD, file("C:/tables/x.sql", "x"))), "absolute path");
    }

    @Test
    void a_backslash_or_nul_in_a_name_is_refused() {
        // A name without any "/" would be taken as a Windows (FAT) zip path and converted by the library.
        Refused.asInvalid(() -> read(TestArchives.zip(GOOD, file("postgresql/tables\\x.sql", "x"))), "backslash");
        Refused.asInvalid(() -> read(TestArchives.tarGz(GOOD, file("postgresql\\tables\\x.sql", "x"))), "backslash");
        Refused.asInvalid(() -> read(TestArchives.zip(GOOD, file("postgresql/tables/x.sql\0.png", "x"))), "NUL");
    }

    @Test
    void a_symbolic_link_is_refused_in_tar_and_zip() {
        var link = symlink("postgresql/tables/passwd.sql", "/etc/passwd");
        var refusal = Refused.asInvalid(() -> read(TestArchives.tarGz(GOOD, link)),
                "'postgresql/tables/passwd.sql' is a symbolic link");
        assertThat(refusal.problem().fields()).containsEntry("file", "postgresql/tables/passwd.sql");
        Refused.asInvalid(() -> read(TestArchives.zip(GOOD, link)), "is a symbolic link");
    }

    @Test
    void a_hard_link_is_refused() {
        Refused.asInvalid(() -> read(TestArchives.tar(GOOD, hardLink("postgresql/tables/copy.sql", "/etc/shadow"))),
                "'postgresql/tables/copy.sql' is a hard link");
    }

    @Test
    void a_device_or_fifo_is_refused() {
        Refused.asInvalid(() -> read(TestArchives.tarGz(GOOD, charDevice("postgresql/tables/tty.sql"))),
                "'postgresql/tables/tty.sql' is a device");
        Refused.asInvalid(() -> read(TestArchives.zip(GOOD, charDevice("postgresql/tables/tty.sql"))), "a device");
        var fifo = new Entry("postgresql/tables/pipe.sql", TestArchives.Kind.FIFO, new byte[0], "");
        Refused.asInvalid(() -> read(TestArchives.tar(GOOD, fifo)), "is a FIFO");
    }

    @Test
    void a_duplicate_path_is_refused_even_when_spelled_differently() {
        Refused.asInvalid(() -> read(TestArchives.tarGz(GOOD, GOOD)),
                "'postgresql/tables/users.sql' appears twice");
        Refused.asInvalid(() -> read(TestArchives.tarGz(GOOD, file("./postgresql//tables/users.sql", "other"))),
                "appears twice");
        Refused.asInvalid(() -> read(TestArchives.zip(GOOD, GOOD)), "appears twice");
    }

    @Test
    void a_path_that_is_both_a_file_and_a_directory_is_refused() {
        Refused.asInvalid(() -> read(TestArchives.tarGz(GOOD, file("postgresql/tables/users.sql/x.sql", "x"))),
                "'postgresql/tables/users.sql' is both a file and a directory");
        Refused.asInvalid(() -> read(TestArchives.zip(GOOD, TestArchives.dir("postgresql/tables/users.sql/"))),
                "is both a file and a directory");
    }

    @Test
    void a_symbolic_link_in_a_directory_is_refused_not_followed(@TempDir Path directory) throws IOException {
        TestArchives.directory(directory, GOOD);
        var link = Files.createSymbolicLink(directory.resolve("postgresql/tables/secret.sql"), Path.of("/etc/hostname"));

        Refused.asInvalid(() -> READER.read(directory, Variant.MAIN),
                "'postgresql/tables/secret.sql' is a symbolic link");
        Files.delete(link);
    }

    @Test
    void a_linked_directory_inside_a_bundle_directory_is_refused(@TempDir Path directory) throws IOException {
        TestArchives.directory(directory, GOOD);
        var link = Files.createSymbolicLink(directory.resolve("postgresql/views"), Path.of("/etc"));

        Refused.asInvalid(() -> READER.read(directory, Variant.MAIN), "'postgresql/views' is a symbolic link");
        Files.delete(link);
    }

    @Test
    void a_missing_directory_is_refused(@TempDir Path directory) {
        Refused.asInvalid(() -> READER.read(directory.resolve("nope"), Variant.MAIN), "could not open");
    }

    @Test
    void a_truncated_gzip_is_refused() {
        var archive = TestArchives.tarGz(GOOD, file("postgresql/functions/f.sql", "x".repeat(10_000)));
        Refused.asInvalid(() -> read(Arrays.copyOf(archive, archive.length / 2)), "truncated or corrupt");
    }

    @Test
    void a_truncated_zip_or_tar_is_refused() {
        var zip = TestArchives.zip(GOOD, file("postgresql/functions/f.sql", "x".repeat(10_000)));
        Refused.asInvalid(() -> read(Arrays.copyOf(zip, zip.length / 2)), "truncated or corrupt");
        var tar = TestArchives.tar(GOOD, file("postgresql/functions/f.sql", "x".repeat(10_000)));
        Refused.asInvalid(() -> read(Arrays.copyOf(tar, tar.length / 2)), "truncated or corrupt");
    }

    @Test
    void a_tar_cut_at_an_entry_boundary_is_refused() {
        // Each entry here is a PAX header block, its data block, the entry header and one data block.
        var tar = TestArchives.tar(GOOD, file("postgresql/functions/f.sql", "f"));
        Refused.asInvalid(() -> read(Arrays.copyOf(tar, 4 * 512)), "end-of-archive marker");
    }

    @Test
    void random_garbage_is_refused_saying_what_is_accepted() {
        var garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        garbage[0] = 'x';
        Refused.asInvalid(() -> read(garbage), "not an archive", ".tar.gz", ".tar", ".zip");
        Refused.asInvalid(() -> read(new byte[0]), "it is empty");
        Refused.asInvalid(() -> read("BZh91AY&SY...".getBytes()), "it looks like bzip2");
    }

    @Test
    void garbage_behind_a_valid_magic_is_refused_as_corrupt() {
        var garbage = new byte[4096];
        new Random(7).nextBytes(garbage);
        for (var magic : new byte[][] {{0x1f, (byte) 0x8b}, {'P', 'K', 3, 4}}) {
            var archive = garbage.clone();
            System.arraycopy(magic, 0, archive, 0, magic.length);
            Refused.asInvalid(() -> read(archive), "truncated or corrupt");
        }
    }

    @Test
    void a_gzipped_file_that_is_not_a_tar_is_refused() throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var gzip = new GzipCompressorOutputStream(bytes)) {
            gzip.write("CREATE TABLE users (id int);\n".repeat(100).getBytes());
        }
        Refused.asInvalid(() -> read(bytes.toByteArray()), "does not hold a tar archive");
    }

    @Test
    void invalid_utf8_is_refused_naming_the_file_and_offset() {
        var bytes = "SELECT 1;\nSELECT '".getBytes();
        var invalid = Arrays.copyOf(bytes, bytes.length + 2);
        invalid[bytes.length] = (byte) 0xc3;
        invalid[bytes.length + 1] = (byte) 0x28;

        var refusal = Refused.asInvalid(() -> read(TestArchives.tarGz(GOOD, file("postgresql/seeders/s.sql", invalid))),
                "'postgresql/seeders/s.sql' is not valid UTF-8 at byte offset 18 (line 2)");
        assertThat(refusal.problem().fields()).containsEntry("file", "postgresql/seeders/s.sql").containsEntry("offset", 18);
    }

    @Test
    void utf16_is_refused_with_a_hint() {
        var utf16 = "SELECT 1;".getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
        var withBom = new byte[utf16.length + 2];
        withBom[0] = (byte) 0xff;
        withBom[1] = (byte) 0xfe;
        System.arraycopy(utf16, 0, withBom, 2, utf16.length);

        Refused.asInvalid(() -> read(TestArchives.zip(GOOD, file("postgresql/views/v.sql", withBom))),
                "at byte offset 0", "looks like UTF-16");
    }

    @Test
    void a_nul_character_in_sql_is_refused() {
        Refused.asInvalid(() -> read(TestArchives.tarGz(GOOD, file("postgresql/views/v.sql", "SELECT\n1\0;"))),
                "'postgresql/views/v.sql' contains a NUL character", "byte offset 8 (line 2)");
    }

    @Test
    void invalid_utf8_in_an_ignored_file_does_not_matter() {
        var bundle = read(TestArchives.tarGz(GOOD, file("postgresql/logo.png", new byte[] {(byte) 0x89, (byte) 0xff})));

        assertThat(bundle.ignored()).containsExactly("postgresql/logo.png");
    }

    @Test
    void a_zip_entry_compressed_with_an_unusual_method_is_refused() {
        var zip = TestArchives.zip(GOOD);
        // xz (95): Commons Compress claims it but needs a library that is not on the class path.
        zip[8] = 95;
        zip[indexOf(zip, new byte[] {'P', 'K', 1, 2}) + 10] = 95;

        Refused.asInvalid(() -> read(zip), "'postgresql/tables/users.sql' is compressed with an unsupported method (95)");
    }

    @Test
    void damaged_archives_fail_only_with_cairn_exceptions() {
        var random = new Random(2024);
        Entry[] entries = {GOOD, file("postgresql/functions/f.sql", "SELECT 1;".repeat(200)),
                file("postgresql/migrations/" + "m".repeat(150) + ".sql", "x"), TestArchives.dir("postgresql/views/")};
        for (var archive : new byte[][] {TestArchives.tarGz(entries), TestArchives.zip(entries), TestArchives.tar(entries)}) {
            for (int round = 0; round < 1000; round++) {
                var damaged = damage(archive, random);
                var thrown = catchThrowable(() -> read(damaged));
                if (thrown != null) {
                    assertThat(thrown).isExactlyInstanceOf(CairnException.class);
                }
            }
        }
    }

    /** Flips a few bytes, cuts the archive short, or overwrites a run with 0xff (huge sizes, odd types). */
    private static byte[] damage(byte[] archive, Random random) {
        var damaged = archive.clone();
        switch (random.nextInt(3)) {
            case 0 -> {
                for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
                    damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> damaged = Arrays.copyOf(damaged, random.nextInt(damaged.length));
            default -> {
                int from = random.nextInt(damaged.length - 8);
                Arrays.fill(damaged, from, from + 8, (byte) 0xff);
            }
        }
        return damaged;
    }

    private static int indexOf(byte[] bytes, byte[] needle) {
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
