package dev.cairn.bundle;

import static dev.cairn.bundle.TestArchives.dir;
import static dev.cairn.bundle.TestArchives.file;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.bundle.TestArchives.Entry;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleLayoutTest {

    private static final BundleReader READER = BundleReader.create(BundleLimits.defaults());

    private static Bundle readTarGz(Entry... entries) {
        return READER.read(TestArchives.tarGz(entries), Variant.MAIN);
    }

    private static List<String> paths(Bundle bundle) {
        return bundle.files().stream().map(BundleFile::path).toList();
    }

    @Test
    void reads_a_bundle_rooted_at_postgresql() {
        var bundle = readTarGz(
                dir("postgresql/"), dir("postgresql/tables/"),
                file("postgresql/tables/users.pssql", "CREATE TABLE users (id int);"),
                file("postgresql/functions/get_user.pgsql", "CREATE FUNCTION get_user() ..."),
                file("postgresql/extensions/uuid-ossp.txt", ""),
                file("postgresql/migrations/001_init.sql", "ALTER TABLE users ADD x int;"));

        assertThat(bundle.rootPrefix()).isEqualTo("postgresql/");
        assertThat(bundle.subtree()).isEmpty();
        assertThat(bundle.files()).containsExactly(
                new BundleFile(Folder.EXTENSIONS, "extensions/uuid-ossp.txt", "uuid-ossp.txt", ""),
                new BundleFile(Folder.TABLES, "tables/users.pssql", "users.pssql", "CREATE TABLE users (id int);"),
                new BundleFile(Folder.MIGRATIONS, "migrations/001_init.sql", "001_init.sql",
                        "ALTER TABLE users ADD x int;"),
                new BundleFile(Folder.FUNCTIONS, "functions/get_user.pgsql", "get_user.pgsql",
                        "CREATE FUNCTION get_user() ..."));
        assertThat(bundle.has(Folder.TABLES)).isTrue();
        assertThat(bundle.has(Folder.VIEWS)).isFalse();
    }

    @Test
    void reads_bare_folders_at_the_archive_root() {
        var bundle = readTarGz(file("tables/users.sql", "t"), file("./views/v.sql", "v"));

        assertThat(bundle.rootPrefix()).isEmpty();
        assertThat(paths(bundle)).containsExactly("tables/users.sql", "views/v.sql");
    }

    @Test
    void reads_postgresql_wrapped_in_one_more_folder() {
        var bundle = readTarGz(file("myapp/postgresql/tables/users.sql", "t"), file("myapp/README.md", "hi"));

        assertThat(bundle.rootPrefix()).isEqualTo("myapp/postgresql/");
        assertThat(paths(bundle)).containsExactly("tables/users.sql");
        assertThat(bundle.ignored()).containsExactly("myapp/README.md");
    }

    @Test
    void reads_bare_folders_wrapped_in_one_folder() {
        var bundle = readTarGz(file("schema-v3/tables/users.sql", "t"), file("schema-v3/seeders/roles.sql", "s"));

        assertThat(bundle.rootPrefix()).isEqualTo("schema-v3/");
        assertThat(paths(bundle)).containsExactly("tables/users.sql", "seeders/roles.sql");
    }

    @Test
    void two_wrapper_levels_are_one_too_many() {
        Refused.asInvalid(() -> readTarGz(file("a/b/postgresql/tables/users.sql", "t")),
                "'a/b/postgresql/tables/users.sql' is not in a known folder");
    }

    @Test
    void files_in_nested_sub_folders_keep_their_path() {
        var bundle = readTarGz(file("postgresql/functions/auth/login.sql", "f"), file("postgresql/functions/z.sql", "z"));

        assertThat(bundle.in(Folder.FUNCTIONS)).extracting(BundleFile::path, BundleFile::name)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("functions/auth/login.sql", "login.sql"),
                        org.assertj.core.groups.Tuple.tuple("functions/z.sql", "z.sql"));
    }

    @Test
    void zip_plain_tar_and_directory_read_like_tar_gz(@TempDir Path directory) {
        Entry[] entries = {file("postgresql/tables/users.sql", "t"), file("postgresql/functions/f.sql", "f")};
        TestArchives.directory(directory, entries);

        var fromTarGz = readTarGz(entries);
        assertThat(READER.read(TestArchives.zip(entries), Variant.MAIN)).isEqualTo(fromTarGz);
        assertThat(READER.read(TestArchives.tar(entries), Variant.MAIN)).isEqualTo(fromTarGz);
        assertThat(READER.read(directory, Variant.MAIN)).isEqualTo(fromTarGz);
    }

    @Test
    void data_api_json_at_the_root_is_the_platforms_settings_and_no_part_of_the_checksum() {
        var withSettings = readTarGz(file("postgresql/tables/users.sql", "t"),
                file("postgresql/data-api.json", "{\"access\": \"deny\"}"),
                file("postgresql/tables/data-api.json", "{}"));
        var without = readTarGz(file("postgresql/tables/users.sql", "t"));

        assertThat(withSettings.dataApi()).contains("{\"access\": \"deny\"}");
        assertThat(withSettings.ignored()).containsExactly("postgresql/tables/data-api.json");
        assertThat(without.dataApi()).isEmpty();
        assertThat(withSettings.checksum()).isEqualTo(without.checksum());
    }

    @Test
    void ignored_files_are_listed_not_read() {
        var bundle = readTarGz(
                file("postgresql/tables/users.sql", "t"),
                file("postgresql/README.md", "# schema"),
                file("postgresql/tables/.gitkeep", ""),
                file("postgresql/tables/notes.txt", "txt is SQL only in extensions/"),
                file(".DS_Store", new byte[] {0, 1, (byte) 0xff}),
                file("postgresql/tables/._users.sql", new byte[] {0, 5, 22, 7, (byte) 0xff}),
                file("__MACOSX/postgresql/tables/._users.sql", new byte[] {(byte) 0xff}),
                file("docs/diagram.png", new byte[] {(byte) 0x89, 'P', 'N', 'G'}));

        assertThat(paths(bundle)).containsExactly("tables/users.sql");
        assertThat(bundle.ignored()).containsExactly(".DS_Store", "__MACOSX/postgresql/tables/._users.sql",
                "docs/diagram.png", "postgresql/README.md", "postgresql/tables/._users.sql",
                "postgresql/tables/.gitkeep", "postgresql/tables/notes.txt");
    }

    @Test
    void extension_files_may_be_empty_or_comments_only_and_any_sql_suffix_is_accepted() {
        var bundle = readTarGz(
                file("extensions/pgcrypto.sql", ""),
                file("extensions/citext.pssql", "-- version: 1.6\n"),
                file("extensions/uuid-ossp.TXT", ""),
                file("tables/USERS.SQL", "t"));

        assertThat(paths(bundle)).containsExactly("extensions/citext.pssql", "extensions/pgcrypto.sql",
                "extensions/uuid-ossp.TXT", "tables/USERS.SQL");
    }

    @Test
    void a_utf8_byte_order_mark_is_stripped() {
        var withBom = new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, 'S', 'E', 'L', 'E', 'C', 'T', ' ', '1'};
        var bundle = readTarGz(file("tables/t.sql", withBom), file("tables/u.sql", "-- café ✓"));

        assertThat(bundle.in(Folder.TABLES)).extracting(BundleFile::text).containsExactly("SELECT 1", "-- café ✓");
    }

    @Test
    void migrations_come_in_natural_order_whatever_the_archive_order() {
        var bundle = readTarGz(
                file("migrations/10_c.sql", "10"), file("migrations/2_b.sql", "2"),
                file("tables/t.sql", "t"), file("migrations/1_a.sql", "1"), file("migrations/sub/3_x.sql", "sub"));

        assertThat(bundle.in(Folder.MIGRATIONS)).extracting(BundleFile::path).containsExactly(
                "migrations/1_a.sql", "migrations/2_b.sql", "migrations/10_c.sql", "migrations/sub/3_x.sql");
        assertThat(paths(bundle)).first().isEqualTo("tables/t.sql");
    }

    @Test
    void a_sql_file_in_an_unknown_folder_is_refused_with_a_suggestion() {
        var refusal = Refused.asInvalid(() -> readTarGz(
                        file("postgresql/tables/users.sql", "t"), file("postgresql/function/login.sql", "f")),
                "'postgresql/function/login.sql'", "unknown folder 'function/'", "did you mean 'functions/'?");
        assertThat(refusal.problem().fields()).containsEntry("file", "postgresql/function/login.sql");
    }

    @Test
    void a_bundle_of_only_a_misspelled_folder_is_refused_naming_the_file() {
        Refused.asInvalid(() -> readTarGz(file("postgresql/function/login.sql", "f")),
                "'postgresql/function/login.sql' is not in a known folder", "did you mean 'functions/'?");
    }

    @Test
    void a_sql_file_directly_in_the_root_is_refused() {
        Refused.asInvalid(() -> readTarGz(file("postgresql/tables/users.sql", "t"), file("postgresql/x.sql", "x")),
                "'postgresql/x.sql' is a SQL file outside the known folders");
        Refused.asInvalid(() -> readTarGz(file("postgresql/x.sql", "x")), "'postgresql/x.sql' is not in a known folder");
    }

    @Test
    void a_sql_file_outside_the_root_is_refused() {
        Refused.asInvalid(() -> readTarGz(file("postgresql/tables/users.sql", "t"), file("old/tables/users.sql", "o")),
                "'old/tables/users.sql' is outside the bundle root 'postgresql/'");
    }

    @Test
    void a_bundle_without_sql_is_refused() {
        Refused.asInvalid(() -> readTarGz(file("postgresql/README.md", "nothing here"), dir("postgresql/tables/")),
                "the bundle holds no SQL file", "postgresql/README.md");
        Refused.asInvalid(() -> readTarGz(), "the bundle holds no SQL file");
        Refused.asInvalid(() -> READER.read(TestArchives.zip(), Variant.MAIN), "the bundle holds no SQL file");
    }

    @Test
    void an_empty_directory_is_refused(@TempDir Path directory) {
        TestArchives.directory(directory, dir("postgresql/tables"));
        Refused.asInvalid(() -> READER.read(directory, Variant.MAIN), "the bundle holds no SQL file");
    }

    @Test
    void checksum_depends_on_content_only() {
        Entry[] entries = {file("postgresql/tables/users.sql", "t"), file("postgresql/migrations/2_x.sql", "m"),
                file("postgresql/README.md", "not part of the checksum")};
        Entry[] bareAndReordered = {file("migrations/2_x.sql", "m"), file("tables/users.sql", "t")};

        var checksum = readTarGz(entries).checksum();
        assertThat(checksum).matches("[0-9a-f]{64}");
        assertThat(READER.read(TestArchives.zip(bareAndReordered), Variant.MAIN).checksum()).isEqualTo(checksum);
        assertThat(readTarGz(file("tables/users.sql", "t "), file("migrations/2_x.sql", "m")).checksum())
                .isNotEqualTo(checksum);
    }

    @Test
    void checksum_is_the_same_for_tar_gz_zip_and_directory(@TempDir Path directory) {
        Entry[] entries = {file("tables/a.sql", "A"), file("functions/f/g.sql", "G"), file("views/v.sql", "V")};
        Entry[] reversed = {entries[2], entries[1], entries[0]};
        TestArchives.directory(directory, entries);

        var checksum = readTarGz(entries).checksum();
        assertThat(READER.read(TestArchives.zip(reversed), Variant.MAIN).checksum()).isEqualTo(checksum);
        assertThat(READER.read(TestArchives.tar(reversed), Variant.MAIN).checksum()).isEqualTo(checksum);
        assertThat(READER.read(directory, Variant.MAIN).checksum()).isEqualTo(checksum);
    }

    @Test
    void checksum_cannot_be_fooled_by_moving_text_between_path_and_content() {
        var one = new Bundle(List.of(new BundleFile(Folder.TABLES, "tables/a", "a", "b.sql")),
                List.of(), Optional.empty(), "", Optional.empty());
        var other = new Bundle(List.of(new BundleFile(Folder.TABLES, "tables/ab.sql", "ab.sql", "")),
                List.of(), Optional.empty(), "", Optional.empty());

        assertThat(one.checksum()).isNotEqualTo(other.checksum());
    }

    @Test
    void long_pax_names_are_read() {
        var longName = "postgresql/functions/" + "deeply_nested/".repeat(12) + "f".repeat(120) + ".sql";
        var bundle = readTarGz(file(longName, "f"));

        assertThat(paths(bundle)).containsExactly(longName.substring("postgresql/".length()));
    }

    @Test
    void text_is_decoded_as_utf8() {
        var bundle = readTarGz(file("seeders/names.sql", "INSERT INTO t VALUES ('Zoë', '東京');"));

        assertThat(bundle.in(Folder.SEEDERS).getFirst().text()).isEqualTo("INSERT INTO t VALUES ('Zoë', '東京');");
    }
}
