import Foundation
import HousingDomain
import Yams

/// Reads one YAML rules file into raw nodes and collects problems with their lines.
///
/// Decoding is two-step (STYLE.md point 9): the file is composed into Yams nodes, then each field is
/// checked and turned into a domain value here. Every problem is collected rather than thrown, so one
/// run of `rules validate` lists all of them.
final class YAMLFile {
    /// The file as shown to the user, e.g. `Rules/heating/2020-01-01.yaml`.
    let displayName: String
    private(set) var problems: [RuleProblem] = []

    init(displayName: String) {
        self.displayName = displayName
    }

    /// Parses the text; nil (with a problem recorded) on a YAML syntax error or an empty file.
    func compose(_ text: String) -> Node? {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                report(line: 1, field: nil, "the file is empty", fix: "write the rules into it, or delete it")
                return nil
            }
            return node
        } catch let error as YamlError {
            report(yamlError: error)
            return nil
        } catch {
            report(line: nil, field: nil, "cannot be read as YAML: \(error)", fix: "fix the YAML syntax")
            return nil
        }
    }

    private func report(yamlError error: YamlError) {
        let fix = "fix the YAML syntax at this line (indentation, a missing ':' or an unclosed quote are the usual causes)"
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let contextText = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            report(line: mark.line, field: nil, "YAML syntax error: \(problem)\(contextText)", fix: fix)
        case .duplicatedKeysInMapping(let duplicates, let context):
            report(
                line: context.mark.line, field: nil,
                "the key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) appears twice in one mapping",
                fix: "keep one of them")
        case .reader(let problem, _, _, _):
            report(line: nil, field: nil, "cannot be read: \(problem)", fix: "save the file as UTF-8 text")
        default:
            report(line: nil, field: nil, "YAML error: \(error)", fix: fix)
        }
    }

    func report(line: Int?, field: String?, _ message: String, fix: String) {
        problems.append(RuleProblem(file: displayName, line: line, field: field, message: message, fix: fix))
    }

    func report(_ node: Node?, field: String?, _ message: String, fix: String) {
        report(line: node?.mark?.line, field: field, message, fix: fix)
    }

    // MARK: Structure

    /// The keys of a mapping, checked against the allowed and required keys.
    ///
    /// Unknown keys are reported by name with the list of known ones; missing required keys are reported at the
    /// mapping's line.
    func mapping(_ node: Node, field: String, allowed: [String], required: [String]) -> [String: Node]? {
        guard case .mapping(let mapping) = node else {
            report(node, field: field, "expected a mapping of keys (\(allowed.joined(separator: ", ")))", fix: "write `key: value` lines here")
            return nil
        }
        var result: [String: Node] = [:]
        for (key, value) in mapping {
            let name = key.string ?? ""
            guard allowed.contains(name) else {
                let suggestion = closest(to: name, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                report(
                    key, field: join(field, name), "unknown key '\(name)'\(suggestion)",
                    fix: "use one of: \(allowed.joined(separator: ", ")); or remove it")
                continue
            }
            result[name] = value
        }
        for name in required where result[name] == nil && !mapping.keys.contains(where: { $0.string == name }) {
            report(node, field: field.isEmpty ? name : field, "missing key '\(name)'", fix: "add `\(name): …`")
        }
        return result
    }

    /// A mapping whose keys are household sizes (1, 2, 3 …).
    func sizeMapping(_ node: Node, field: String) -> [(size: Int, node: Node, keyNode: Node)]? {
        guard case .mapping(let mapping) = node else {
            report(node, field: field, "expected household sizes as keys, e.g. `1: 430`", fix: "write one `size: value` line per household size")
            return nil
        }
        var result: [(Int, Node, Node)] = []
        for (key, value) in mapping {
            guard let text = key.string, let size = Int(text), (1...20).contains(size) else {
                report(key, field: join(field, key.string ?? "?"), "'\(key.string ?? "?")' is not a household size", fix: "use a whole number of persons from 1 to 20 as the key")
                continue
            }
            result.append((size, value, key))
        }
        return result
    }

    func sequence(_ node: Node, field: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            report(node, field: field, "expected a list", fix: "write one `- item` line per entry")
            return nil
        }
        return Array(sequence)
    }

    // MARK: Scalars

    func string(_ node: Node, field: String) -> String? {
        guard case .scalar(let scalar) = node else {
            report(node, field: field, "expected text", fix: "write a single value on this line")
            return nil
        }
        let text = scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            report(node, field: field, "is empty", fix: "fill it in")
            return nil
        }
        return text
    }

    func date(_ node: Node, field: String) -> CalendarDate? {
        guard let text = string(node, field: field) else { return nil }
        guard let date = CalendarDate(iso: text) else {
            report(node, field: field, "'\(text)' is not a date", fix: "write the date as YYYY-MM-DD, e.g. 2024-01-01")
            return nil
        }
        return date
    }

    /// A positive euro amount such as `430` or `21.60`.
    func money(_ node: Node, field: String) -> Money? {
        guard let text = string(node, field: field) else { return nil }
        guard let money = Money(parsing: text) else {
            report(node, field: field, "'\(text)' is not a euro amount", fix: "write a number of euros such as 430 or 21.60")
            return nil
        }
        guard money.cents > 0 else {
            report(node, field: field, "'\(text)' must be more than zero", fix: "write the positive amount in euros")
            return nil
        }
        return money
    }

    func positiveInt(_ node: Node, field: String, unit: String) -> Int? {
        guard let text = string(node, field: field) else { return nil }
        guard let value = Int(text), value > 0, value < 10_000 else {
            report(node, field: field, "'\(text)' is not a positive whole number", fix: "write the \(unit) as a whole number, e.g. 50")
            return nil
        }
        return value
    }

    func bool(_ node: Node, field: String) -> Bool? {
        guard let text = string(node, field: field) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            report(node, field: field, "'\(text)' is not true or false", fix: "write true or false")
            return nil
        }
    }

    // MARK: Helpers

    func join(_ parent: String, _ child: String) -> String { parent.isEmpty ? child : "\(parent).\(child)" }

    private func closest(to name: String, in options: [String]) -> String? {
        let scored = options.map { ($0, editDistance(name.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, name.count / 3) else { return nil }
        return best.0
    }
}

/// Levenshtein distance over characters.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = Array(repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
