import io.nats.client.Connection;
import io.nats.client.Nats;

/**
 * Deletes a bench run's NATS key-value bucket (the gateway's presence or session bucket), quietly
 * when it is not there: {@code java -cp 'server/target/lib/*' bench/src/DropBucket.java <nats-url> <bucket>}.
 */
public class DropBucket {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: DropBucket <nats-url> <bucket>");
        }
        try (Connection c = Nats.connect(args[0])) {
            if (c.keyValueManagement().getBucketNames().contains(args[1])) {
                c.keyValueManagement().delete(args[1]);
            }
        }
    }
}
