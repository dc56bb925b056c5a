import Foundation

/// A bounded first-in-first-out hand-over from one producer thread to one consumer.
///
/// The importer parses a feed on one core while the database applies what was parsed on the other.
/// Items travel in batches (a lock and a wake-up per item would cost more than the work), and at
/// most `capacity` batches wait, so memory stays flat however large the feed is.
final class BoundedQueue<Item: Sendable>: @unchecked Sendable {
    /// Why `put` refused: the consumer gave up.
    struct Cancelled: Error {}

    private let condition = NSCondition()
    private var batches: [[Item]] = []
    private var head = 0
    private let capacity: Int
    private var closed = false
    private var cancelled = false

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Waits while the queue is full; throws `Cancelled` once the consumer cancelled.
    func put(_ batch: [Item]) throws {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled && batches.count - head >= capacity { condition.wait() }
        if cancelled { throw Cancelled() }
        batches.append(batch)
        condition.broadcast()
    }

    /// The producer is done (normally or not): `take` returns nil after the last batch.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, waiting for one; nil when the producer closed the queue and it is empty.
    func take() -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while head == batches.count && !closed { condition.wait() }
        guard head < batches.count else { return nil }
        let batch = batches[head]
        batches[head] = []
        head += 1
        if head == batches.count {
            batches.removeAll(keepingCapacity: true)
            head = 0
        }
        condition.broadcast()
        return batch
    }

    /// The consumer stops: a waiting or later `put` throws, and what waits is dropped.
    func cancel() {
        condition.lock()
        cancelled = true
        batches.removeAll()
        head = 0
        condition.broadcast()
        condition.unlock()
    }
}

/// Runs `produce` on a thread of its own, feeding `consume` on the calling thread through a
/// `BoundedQueue`, and returns `produce`'s result.
///
/// Errors: when `consume` throws, the producer is stopped (its next `emit` throws) and awaited, then
/// the consumer's error is rethrown; when `produce` throws, the consumer has applied part of what
/// came before, in order (the caller's transaction rolls it back), and the producer's error is rethrown. Either
/// way the producer has finished when this returns, so it never outlives its input.
func pipeline<Item: Sendable, Result: Sendable>(
    batchSize: Int = 256, capacity: Int = 8,
    produce: @escaping @Sendable (_ emit: (Item) throws -> Void) throws -> Result,
    consume: (Item) throws -> Void
) throws -> Result {
    let queue = BoundedQueue<Item>(capacity: capacity)
    let outcome = ProducerOutcome<Result>()
    let thread = Thread {
        var batch: [Item] = []
        batch.reserveCapacity(batchSize)
        let result = Swift.Result {
            let value = try produce { item in
                batch.append(item)
                if batch.count == batchSize {
                    try queue.put(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { try queue.put(batch) }
            return value
        }
        queue.close()
        outcome.finish(result)
    }
    thread.name = "listing-import-parse"
    thread.start()
    do {
        while let batch = queue.take() {
            for item in batch { try consume(item) }
        }
    } catch {
        queue.cancel()
        _ = outcome.wait()
        throw error
    }
    return try outcome.wait().get()
}

/// The producer's result, handed to the consumer once the producer has finished.
private final class ProducerOutcome<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<Value, any Error>?

    func finish(_ result: Result<Value, any Error>) {
        condition.lock()
        self.result = result
        condition.broadcast()
        condition.unlock()
    }

    func wait() -> Result<Value, any Error> {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let result { return result }
            condition.wait()
        }
    }
}
