/// The members of a JSON object: names with their values, without repeated names.
///
/// Members are kept in the order they were added (for a parsed document, the order written),
/// and a member is found by a linear scan: submission objects have a handful of members, for
/// which comparing a few strings is cheaper than hashing one, and the parser builds an object
/// without hashing anything. Equality and hashing ignore the order, as for a dictionary: two
/// objects with the same members written in a different order are equal and hash equal (the
/// "identical re-send" rule relies on it).
///
/// The API follows `Dictionary` where it can (`subscript(key)`, `keys`, `values`, `count`,
/// iteration of `(key, value)` pairs, dictionary literals), so code reads the same.
public struct JSONObject: Sendable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    /// One member: its name and its value.
    public typealias Element = (key: String, value: JSONValue)

    /// The members in insertion order; no two share a name.
    private var members: [Element]

    /// An empty object.
    public init() {
        members = []
    }

    /// The members of `dictionary` (in the dictionary's order).
    ///
    /// - Parameter dictionary: The members; their order is the dictionary's iteration order, which is not stable
    ///   between runs, so use a literal or the subscript setter where order matters (e.g. for rendering).
    public init(_ dictionary: [String: JSONValue]) {
        members = dictionary.map { (key: $0.key, value: $0.value) }
    }

    /// The members of a literal; a name written twice keeps its last value.
    ///
    /// - Parameter elements: Name-value pairs in the order written; a repeated name keeps its first position.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        members = []
        members.reserveCapacity(elements.count)
        for (key, value) in elements { self[key] = value }
    }

    /// Members known to have distinct names (the parser checks), taken as they are.
    init(uniqueMembers: [Element]) {
        members = uniqueMembers
    }

    // MARK: Collection

    /// The position of the first member (0).
    public var startIndex: Int { 0 }

    /// The position after the last member (`count`).
    public var endIndex: Int { members.count }

    /// The member at `position` (insertion order), which must be a valid index.
    public subscript(position: Int) -> Element { members[position] }

    // MARK: Dictionary-like access

    /// The value of the member named `key`, or `nil` when there is none. Setting a value
    /// replaces the member's value in place or appends a new member; setting `nil` removes it.
    public subscript(key: String) -> JSONValue? {
        get {
            if let index = position(of: key) { return members[index].value }
            return nil
        }
        set {
            let found = position(of: key)
            switch (found, newValue) {
            case (let index?, let value?): members[index].value = value
            case (let index?, nil): members.remove(at: index)
            case (nil, let value?): members.append((key: key, value: value))
            case (nil, nil): break
            }
        }
    }

    /// The position of the member named `key`. Names of another length are passed over
    /// without a string comparison (the UTF-8 count of a native string is stored).
    private func position(of key: String) -> Int? {
        let length = key.utf8.count
        for index in members.indices where members[index].key.utf8.count == length && members[index].key == key { return index }
        return nil
    }

    /// The member names, in insertion order.
    public var keys: [String] { members.map(\.key) }

    /// The member values, in insertion order.
    public var values: [JSONValue] { members.map(\.value) }

    /// A copy with every value transformed, names and order kept.
    ///
    /// - Parameter transform: Called once per member value, in member order; an error it throws is rethrown.
    /// - Returns: An object with the same names in the same order and the transformed values.
    public func mapValues(_ transform: (JSONValue) throws -> JSONValue) rethrows -> JSONObject {
        JSONObject(uniqueMembers: try members.map { (key: $0.key, value: try transform($0.value)) })
    }
}

extension JSONObject: Hashable {
    /// Whether both objects have the same members, in any order.
    ///
    /// Up to 16 members each member is looked up in the other; beyond, both are sorted by name, so a large object
    /// costs O(n log n), not O(n²).
    ///
    /// - Parameters:
    ///   - lhs: An object.
    ///   - rhs: Another object.
    /// - Returns: True when both have the same names with equal values, whatever the order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        // Pairwise for the usual small object; by sorted names beyond, so a large object is not quadratic.
        if lhs.count <= 16 {
            for (key, value) in lhs.members {
                guard let other = rhs[key], other == value else { return false }
            }
            return true
        }
        let left = lhs.members.sorted { $0.key < $1.key }
        let right = rhs.members.sorted { $0.key < $1.key }
        return zip(left, right).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    /// Hashes the members order-free: a wrapping sum of each member's own hash.
    ///
    /// Equal objects (``==(_:_:)``, order ignored) therefore hash equal.
    ///
    /// - Parameter hasher: The hasher to feed the member count and the sum into.
    public func hash(into hasher: inout Hasher) {
        var sum: UInt = 0
        for (key, value) in members {
            var member = Hasher()
            member.combine(key)
            member.combine(value)
            sum &+= UInt(bitPattern: member.finalize())
        }
        hasher.combine(members.count)
        hasher.combine(sum)
    }
}
