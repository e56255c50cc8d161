package dev.cairn.error;

/**
 * The one unchecked exception of Cairn. It carries a {@link Problem} whose code is stable;
 * the HTTP layer turns it into the JSON error body. Expected outcomes (a blocked change, an
 * already existing database) are still thrown as this type when they end a request.
 */
public final class CairnException extends RuntimeException {

    private final Problem problem;

    public CairnException(Problem problem) {
        super(problem.message());
        this.problem = problem;
    }

    public CairnException(Problem problem, Throwable cause) {
        super(problem.message(), cause);
        this.problem = problem;
    }

    public static CairnException of(ErrorCode code, String message) {
        return new CairnException(Problem.of(code, message));
    }

    public Problem problem() {
        return problem;
    }

    public ErrorCode code() {
        return problem.code();
    }

    /** A copy with one more field, keeping the original cause. */
    public CairnException with(String key, Object value) {
        return new CairnException(problem.with(key, value), getCause());
    }
}
