/// Minimum-cost maximum flow by successive shortest paths (Bellman–Ford on the residual graph, so negative residual
/// costs need no potentials). Small graphs only — a MANV plan has tens of groups and hospitals: O(F · V · E).
struct MinCostFlow {
    struct Edge {
        let to: Int
        var capacity: Int
        let cost: Int
        /// Index of the reverse edge in `edges[to]`.
        let reverse: Int
    }

    private(set) var edges: [[Edge]]

    init(nodes: Int) { edges = Array(repeating: [], count: nodes) }

    /// Adds an edge; returns its place (`from`, index) to read its flow later.
    @discardableResult
    mutating func add(from: Int, to: Int, capacity: Int, cost: Int) -> (Int, Int) {
        precondition(capacity >= 0)
        edges[from].append(Edge(to: to, capacity: capacity, cost: cost, reverse: edges[to].count))
        edges[to].append(Edge(to: from, capacity: 0, cost: -cost, reverse: edges[from].count - 1))
        return (from, edges[from].count - 1)
    }

    /// The flow on an edge added with `add` (what its reverse edge holds).
    func flow(_ e: (Int, Int)) -> Int {
        let edge = edges[e.0][e.1]
        return edges[edge.to][edge.reverse].capacity
    }

    /// Sends as much flow as possible from `source` to `sink` at the least total cost; returns (flow, cost).
    mutating func run(from source: Int, to sink: Int) -> (flow: Int, cost: Int) {
        var flow = 0, cost = 0
        let n = edges.count
        while true {
            var distance = [Int](repeating: .max, count: n)
            var previous = [(node: Int, edge: Int)?](repeating: nil, count: n)
            distance[source] = 0
            var changed = true
            var rounds = 0
            while changed && rounds < n {
                changed = false
                rounds += 1
                for u in 0..<n where distance[u] != .max {
                    for (i, e) in edges[u].enumerated() where e.capacity > 0 && distance[u] + e.cost < distance[e.to] {
                        distance[e.to] = distance[u] + e.cost
                        previous[e.to] = (u, i)
                        changed = true
                    }
                }
            }
            guard distance[sink] != .max else { return (flow, cost) }
            var push = Int.max
            var v = sink
            while let p = previous[v] {
                push = min(push, edges[p.node][p.edge].capacity)
                v = p.node
            }
            v = sink
            while let p = previous[v] {
                edges[p.node][p.edge].capacity -= push
                let r = edges[p.node][p.edge].reverse
                edges[v][r].capacity += push
                v = p.node
            }
            flow += push
            cost += push * distance[sink]
        }
    }
}
