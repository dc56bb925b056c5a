// Sorting, selection and the priority queue used by `SparseAssignmentSolver`.

/// Sorts `count` keys at `base` in descending order.
/// Deterministic introsort: median-of-three quicksort, insertion sort below 24 keys, and the standard
/// library's sort if the recursion gets too deep. (Keys are distinct, so stability is irrelevant.)
func sortDescending(_ base: UnsafeMutablePointer<UInt64>, count: Int) {
    quicksortDescending(base, count: count, depth: 2 * (Int.bitWidth - count.leadingZeroBitCount))
}

private func quicksortDescending(_ base: UnsafeMutablePointer<UInt64>, count: Int, depth: Int) {
    var base = base
    var count = count
    var depth = depth
    while count > 24 {
        if depth == 0 {
            var buffer = UnsafeMutableBufferPointer(start: base, count: count)
            buffer.sort(by: >)
            return
        }
        depth -= 1
        let a = base[0]
        let b = base[count / 2]
        let c = base[count - 1]
        let pivot = max(min(a, b), min(max(a, b), c))
        var i = 0
        var j = count - 1
        while i <= j {
            while base[i] > pivot { i += 1 }
            while base[j] < pivot { j -= 1 }
            if i <= j {
                let swap = base[i]
                base[i] = base[j]
                base[j] = swap
                i += 1
                j -= 1
            }
        }
        // Recurse into the smaller side, loop on the larger one.
        let leftCount = j + 1
        let rightCount = count - i
        if leftCount < rightCount {
            quicksortDescending(base, count: leftCount, depth: depth)
            base += i
            count = rightCount
        } else {
            quicksortDescending(base + i, count: rightCount, depth: depth)
            count = leftCount
        }
    }
    if count < 2 { return }
    for index in 1..<count {
        let key = base[index]
        var hole = index
        while hole > 0 && base[hole - 1] < key {
            base[hole] = base[hole - 1]
            hole -= 1
        }
        base[hole] = key
    }
}

/// Moves the largest keys of `base[0..<count]` to the front and returns how many were moved: all keys
/// `≥ T`, where the threshold `T` is read from a deterministic, evenly spaced sample so that about `wanted`
/// keys qualify. One branch-free pass; the result is always at least 1 (`T` is one of the keys) and the
/// moved keys are exactly the largest ones, which is all the sorted prefix needs.
func partitionLargest(_ base: UnsafeMutablePointer<UInt64>, count: Int, about wanted: Int) -> Int {
    guard count > 0 else { return 0 }
    let sampleSize = min(count, 64)
    let threshold = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: sampleSize) { sample in
        guard let sampleBase = sample.baseAddress else { return base[0] }
        for index in 0..<sampleSize { sampleBase[index] = base[index * count / sampleSize] }
        sortDescending(sampleBase, count: sampleSize)
        return sampleBase[min(sampleSize - 1, max(0, (wanted * sampleSize) / count))]
    }
    var front = 0
    for index in 0..<count {
        let key = base[index]
        base[index] = base[front]
        base[front] = key
        front &+= key >= threshold ? 1 : 0
    }
    return front
}

/// Binary min-heap of (key, column) ordered by key, then column; raw storage, grows by doubling.
struct MinHeap {
    struct Entry {
        var key: Int64
        var column: Int32
    }

    private var storage: UnsafeMutablePointer<Entry>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        storage = .allocate(capacity: self.capacity)
    }

    func deallocate() { storage.deallocate() }

    mutating func removeAll() { count = 0 }

    var min: Entry { storage[0] }

    @inline(__always)
    private static func less(_ a: Entry, _ b: Entry) -> Bool {
        a.key < b.key || (a.key == b.key && a.column < b.column)
    }

    mutating func push(key: Int64, column: Int32) {
        if count == capacity {
            let grown = UnsafeMutablePointer<Entry>.allocate(capacity: capacity * 2)
            grown.moveInitialize(from: storage, count: count)
            storage.deallocate()
            storage = grown
            capacity *= 2
        }
        let entry = Entry(key: key, column: column)
        var child = count
        count += 1
        while child > 0 {
            let parent = (child - 1) >> 1
            let above = storage[parent]
            guard Self.less(entry, above) else { break }
            storage[child] = above
            child = parent
        }
        storage[child] = entry
    }

    mutating func popMin() {
        count -= 1
        guard count > 0 else { return }
        let entry = storage[count]
        var parent = 0
        while true {
            var child = 2 * parent + 1
            guard child < count else { break }
            if child + 1 < count, Self.less(storage[child + 1], storage[child]) { child += 1 }
            guard Self.less(storage[child], entry) else { break }
            storage[parent] = storage[child]
            parent = child
        }
        storage[parent] = entry
    }
}
