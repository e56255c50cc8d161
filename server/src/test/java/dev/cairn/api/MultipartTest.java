package dev.cairn.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.error.CairnException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultipartTest {

    private static byte[] body(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void fields_and_files_are_read_byte_for_byte() {
        String raw = "--XyZ\r\nContent-Disposition: form-data; name=\"platform\"\r\n\r\nmedstore\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"schema\"; filename=\"s.tar.gz\"\r\n"
                + "Content-Type: application/gzip\r\n\r\n\u001f\u008b\r\n--X not the end\r\n--XyZ--\r\n";
        Map<String, Multipart.Part> parts = Multipart.parse(body(raw), "XyZ");
        assertThat(parts.get("platform").text()).isEqualTo("medstore");
        assertThat(parts.get("schema").filename()).contains("s.tar.gz");
        assertThat(parts.get("schema").body()).isEqualTo(body("\u001f\u008b\r\n--X not the end"));
    }

    @Test
    void the_boundary_comes_from_the_content_type_quoted_or_not() {
        assertThat(Multipart.boundary("multipart/form-data; boundary=abc")).isEqualTo("abc");
        assertThat(Multipart.boundary("multipart/form-data; charset=utf-8; boundary=\"a b\"")).isEqualTo("a b");
        assertThatThrownBy(() -> Multipart.boundary("application/json")).isInstanceOf(CairnException.class);
    }

    @Test
    void truncated_duplicate_and_nameless_parts_are_refused() {
        assertThatThrownBy(() -> Multipart.parse(body("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx"), "b"))
                .hasMessageContaining("ends inside a part");
        assertThatThrownBy(() -> Multipart.parse(body("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n2\r\n--b--"), "b"))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> Multipart.parse(body("--b\r\nContent-Type: text/plain\r\n\r\n1\r\n--b--"), "b"))
                .hasMessageContaining("Content-Disposition");
        assertThatThrownBy(() -> Multipart.parse(body("garbage"), "b")).hasMessageContaining("no boundary");
    }

    @Test
    void http_statuses_follow_the_sqlstate_class() {
        assertThat(HttpErrors.statusOfSqlState("P0001")).isEqualTo(400);
        assertThat(HttpErrors.statusOfSqlState("22P02")).isEqualTo(400);
        assertThat(HttpErrors.statusOfSqlState("23505")).isEqualTo(409);
        assertThat(HttpErrors.statusOfSqlState("40001")).isEqualTo(409);
        assertThat(HttpErrors.statusOfSqlState("40P01")).isEqualTo(409);
        assertThat(HttpErrors.statusOfSqlState("42501")).isEqualTo(403);
        assertThat(HttpErrors.statusOfSqlState("57014")).isEqualTo(504);
        assertThat(HttpErrors.statusOfSqlState("08006")).isEqualTo(503);
        assertThat(HttpErrors.statusOfSqlState("42883")).isEqualTo(500);
    }
}
