import Dispatch

extension Array where Element: Sendable {
    /// Maps on every core, keeping the order; the first error thrown is rethrown. For independent,
    /// pure work such as building explanations.
    public func parallelMap<T: Sendable>(_ transform: @Sendable (Element) throws -> T) throws -> [T] {
        let box = ResultsBox<T>(count: count)
        let chunks = Swift.min(count, 64)
        guard chunks > 0 else { return [] }
        let size = (count + chunks - 1) / chunks
        self.withUnsafeBufferPointer { input in
            nonisolated(unsafe) let input = input
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = chunk * size
                let end = Swift.min(start + size, input.count)
                guard start < end else { return }
                for i in start..<end {
                    do { box.set(i, try transform(input[i])) } catch { box.fail(error) }
                }
            }
        }
        return try box.values()
    }
}

/// Batches made, in order, on other threads while the caller takes them one by one: at most `ahead`
/// batches wait made but not taken. For results that one thread must consume in order (stored in one
/// transaction) while the next are being made (explanations built on every core).
public final class OrderedBatches<T: Sendable>: @unchecked Sendable {
    private let count: Int
    private var results: [Result<T, any Error>?]
    private let ready: [DispatchSemaphore]
    private let room: DispatchSemaphore
    private let lock = NSLockLike()
    private var cancelled = false
    private var taken = 0

    /// Starts making batches `0..<count` with `make`, in order, on a background thread.
    public init(count: Int, ahead: Int = 2, make: @escaping @Sendable (Int) throws -> T) {
        self.count = count
        results = Array(repeating: nil, count: count)
        ready = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        // Start at 0 and signal the room in: libdispatch traps when a semaphore is freed below the
        // value it was created with, which is where the room stands after an early stop.
        room = DispatchSemaphore(value: 0)
        for _ in 0..<Swift.max(1, ahead) { room.signal() }
        DispatchQueue.global().async { [self] in
            for i in 0..<count {
                room.wait()
                if lock.withLock({ cancelled }) { return }
                let result = Result { try make(i) }
                lock.withLock { results[i] = result }
                ready[i].signal()
                if case .failure = result { return }
            }
        }
    }

    /// The next batch, waiting for it if it is not made yet; nil after the last. Rethrows the error
    /// that making it threw (no batch is made after that).
    public func next() throws -> T? {
        guard taken < count else { return nil }
        ready[taken].wait()
        let result = lock.withLock { () -> Result<T, any Error>? in
            defer { results[taken] = nil }
            return results[taken]
        }
        taken += 1
        room.signal()
        return try result?.get()
    }

    /// Stops making batches (call it when the caller stops taking them early, e.g. on an error).
    public func cancel() {
        lock.withLock { cancelled = true }
        room.signal()
    }
}

/// Slots written once each from many threads; distinct indices, so writes never race.
private final class ResultsBox<T: Sendable>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<T?>
    private let count: Int
    private var error: (any Error)?
    private let lock = NSLockLike()

    init(count: Int) {
        self.count = count
        slots = UnsafeMutablePointer<T?>.allocate(capacity: Swift.max(count, 1))
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    /// Each index is written by exactly one thread.
    func set(_ i: Int, _ value: T) { slots[i] = value }

    func fail(_ e: any Error) {
        lock.withLock { if error == nil { error = e } }
    }

    func values() throws -> [T] {
        if let error = lock.withLock({ error }) { throw error }
        return (0..<count).compactMap { slots[$0] }
    }
}

/// A minimal lock over pthread_mutex (Foundation-free).
private final class NSLockLike: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
