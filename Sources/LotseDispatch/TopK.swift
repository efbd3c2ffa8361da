/// The best `capacity` elements of a stream under an order, kept sorted; counts everything offered.
/// O(n·k) worst case, O(n) when most elements lose to the current worst — cheaper than sorting all n.
struct TopK<Element> {
    let capacity: Int
    let isBetter: (Element, Element) -> Bool
    private(set) var items: [Element] = []
    /// Number of elements offered.
    private(set) var total = 0

    init(capacity: Int, isBetter: @escaping (Element, Element) -> Bool) {
        self.capacity = capacity
        self.isBetter = isBetter
        items.reserveCapacity(min(capacity, 64))
    }

    /// The last place when the list is full (an element must beat it to get in), else nil.
    var threshold: Element? { items.count == capacity ? items.last : nil }

    /// Counts an element known to lose against `threshold` without comparing it.
    mutating func countLoser() { total += 1 }

    mutating func insert(_ e: Element) {
        total += 1
        if items.count == capacity {
            guard let worst = items.last, isBetter(e, worst) else { return }
            items.removeLast()
        }
        var i = items.count
        while i > 0, isBetter(e, items[i - 1]) { i -= 1 }
        items.insert(e, at: i)
    }
}
