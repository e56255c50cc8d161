package dev.cairn.graphql;

import java.util.ArrayDeque;
import java.util.Map;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A subscription's events as the reactive-streams publisher graphql-java's subscription execution
 * maps through the selection set. The source pushes ({@link #offer}) on its own thread; events wait
 * in a bounded buffer while the subscriber has asked for none, and a full buffer means a subscriber
 * too slow to keep (the caller cuts it off). One subscriber, as graphql-java subscribes once.
 */
final class SourcePublisher implements Publisher<Object> {

    private final int capacity;
    private final ArrayDeque<Map<String, Object>> buffer = new ArrayDeque<>();
    private Subscriber<? super Object> subscriber;
    private long demand;
    private boolean delivering;
    private boolean cancelled;

    SourcePublisher(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public void subscribe(Subscriber<? super Object> s) {
        synchronized (this) {
            if (subscriber != null) {
                throw new IllegalStateException("a source publisher has one subscriber");
            }
            subscriber = s;
        }
        s.onSubscribe(new Subscription() {
            @Override
            public void request(long n) {
                synchronized (SourcePublisher.this) {
                    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n; // saturate: MAX_VALUE means unbounded
                }
                drain();
            }

            @Override
            public void cancel() {
                synchronized (SourcePublisher.this) {
                    cancelled = true;
                    buffer.clear();
                }
            }
        });
    }

    /** One event from the source; false when the buffer is full (the subscriber is too slow). */
    boolean offer(Map<String, Object> event) {
        synchronized (this) {
            if (cancelled) {
                return true;
            }
            if (buffer.size() >= capacity) {
                return false;
            }
            buffer.add(event);
        }
        drain();
        return true;
    }

    /** Delivers while there is demand; one thread at a time, so events keep their order. */
    private void drain() {
        while (true) {
            Map<String, Object> next;
            Subscriber<? super Object> to;
            synchronized (this) {
                if (delivering || cancelled || subscriber == null || demand == 0 || buffer.isEmpty()) {
                    return;
                }
                delivering = true;
                next = buffer.poll();
                if (demand != Long.MAX_VALUE) {
                    demand--;
                }
                to = subscriber;
            }
            try {
                to.onNext(next);
            } finally {
                synchronized (this) {
                    delivering = false;
                }
            }
        }
    }

    /** The source ended (its subscription was closed from the other side). */
    void complete() {
        Subscriber<? super Object> to;
        synchronized (this) {
            to = subscriber;
            cancelled = true;
        }
        if (to != null) {
            to.onComplete();
        }
    }
}
