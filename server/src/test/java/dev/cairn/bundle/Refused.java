package dev.cairn.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * Asserts that a read is refused with a Cairn error (and nothing else) whose message names the
 * problem, returning it for more checks. At least one message part is required (AssertJ refuses an
 * empty list), so no test can forget to check the message.
 */
final class Refused {

    private Refused() {
    }

    static CairnException by(ErrorCode code, ThrowingCallable read, String... messageParts) {
        var thrown = catchThrowable(read);
        assertThat(thrown).isExactlyInstanceOf(CairnException.class);
        var refusal = (CairnException) thrown;
        assertThat(refusal.code()).isEqualTo(code);
        assertThat(refusal.getMessage()).contains(messageParts);
        return refusal;
    }

    static CairnException asInvalid(ThrowingCallable read, String... messageParts) {
        return by(ErrorCode.SCHEMA_EXTRACTION_FAILED, read, messageParts);
    }

    /** A limit refusal names the configuration variable in the message and in the {@code limit} field. */
    static CairnException atLimit(String variable, long value, ThrowingCallable read, String... messageParts) {
        var refusal = by(ErrorCode.BUNDLE_TOO_LARGE, read, messageParts);
        assertThat(refusal.getMessage()).contains(variable + "=" + value);
        assertThat(refusal.problem().fields())
                .containsEntry("limit", variable)
                .containsEntry("limit_value", value);
        return refusal;
    }
}
