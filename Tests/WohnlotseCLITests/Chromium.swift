import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What went wrong while driving the browser.
struct BrowserError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A real headless Chromium, driven over the DevTools protocol on a pipe
/// (`--remote-debugging-pipe`: the browser reads NUL-terminated JSON commands on fd 3 and writes
/// replies and events on fd 4). No WebDriver, no WebSocket, no extra dependency: the page loads,
/// cookies, redirects and form posts are the browser's own.
final class Chromium {
    /// The browser binary: `$CHROMIUM`, else the first of the usual Debian/Ubuntu names on PATH.
    static let executable: String? = {
        if let path = ProcessInfo.processInfo.environment["CHROMIUM"], !path.isEmpty { return path }
        let names = ["chromium", "chromium-browser", "google-chrome", "chrome"]
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for dir in path {
            for name in names where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return "\(dir)/\(name)"
            }
        }
        return nil
    }()

    private let pid: pid_t
    private let commandFD: Int32
    private let replyFD: Int32
    private var buffer: [UInt8] = []
    private var nextID = 1
    private var sessionID = ""
    private var pendingEvents: [[String: Any]] = []
    private let profile: URL
    /// How long one command or one page load may take.
    var timeout: TimeInterval = 30

    /// Starts a fresh browser with its own empty profile, asking for German pages as a browser in
    /// Kreis Plön would, and opens one blank tab.
    init() throws {
        guard let executable = Self.executable else {
            throw BrowserError("Chromium not found: install it (apt-get install chromium) or set CHROMIUM=/path/to/chrome")
        }
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("wohnlotse-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)

        var toBrowser: [Int32] = [0, 0]
        var fromBrowser: [Int32] = [0, 0]
        guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else { throw BrowserError("pipe() failed: errno \(errno)") }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Move the browser's ends to fds 3 and 4 (dup2 to a high number first, so a pipe end that
        // already is 3 or 4 cannot be clobbered), after closing the ends that are ours.
        posix_spawn_file_actions_adddup2(&actions, toBrowser[0], 100)
        posix_spawn_file_actions_adddup2(&actions, fromBrowser[1], 101)
        for fd in [toBrowser[0], toBrowser[1], fromBrowser[0], fromBrowser[1]] {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
        posix_spawn_file_actions_adddup2(&actions, 100, 3)
        posix_spawn_file_actions_adddup2(&actions, 101, 4)
        posix_spawn_file_actions_addclose(&actions, 100)
        posix_spawn_file_actions_addclose(&actions, 101)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)

        var arguments = [
            executable, "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
            "--remote-debugging-pipe", "--user-data-dir=\(profile.path)", "--lang=de-DE", "--accept-lang=de-DE,de",
        ]
        if getuid() == 0 { arguments.append("--no-sandbox") }  // Chromium refuses to run as root otherwise.
        arguments.append("about:blank")
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, nil, &argv, environ)
        close(toBrowser[0])
        close(fromBrowser[1])
        guard status == 0 else {
            close(toBrowser[1])
            close(fromBrowser[0])
            throw BrowserError("could not start \(executable): error \(status)")
        }
        pid = child
        commandFD = toBrowser[1]
        replyFD = fromBrowser[0]
        signal(SIGPIPE, SIG_IGN)

        let target = try call("Target.createTarget", ["url": "about:blank"], inPage: false)
        guard let targetID = target["targetId"] as? String else { throw BrowserError("no target in \(target)") }
        let attached = try call("Target.attachToTarget", ["targetId": targetID, "flatten": true], inPage: false)
        guard let session = attached["sessionId"] as? String else { throw BrowserError("no session in \(attached)") }
        sessionID = session
        _ = try call("Page.enable")
    }

    deinit { quit() }

    private var running = true

    /// Closes the browser and removes its profile.
    func quit() {
        guard running else { return }
        running = false
        _ = try? send("Browser.close", [:], inPage: false)
        let deadline = Date().addingTimeInterval(5)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                break
            }
            usleep(20_000)
        }
        _ = Glibc.close(commandFD)
        _ = Glibc.close(replyFD)
        try? FileManager.default.removeItem(at: profile)
    }

    // MARK: Pages

    /// Opens `url` and waits until the page has loaded.
    func open(_ url: String) throws {
        pendingEvents.removeAll()
        let result = try call("Page.navigate", ["url": url])
        if let error = result["errorText"] as? String { throw BrowserError("could not open \(url): \(error)") }
        _ = try waitForEvent("Page.loadEventFired")
    }

    /// Runs JavaScript in the page and returns its value (JSON-compatible values only).
    @discardableResult
    func evaluate(_ expression: String) throws -> Any? {
        let result = try call("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = result["exceptionDetails"] as? [String: Any] {
            throw BrowserError("JavaScript failed: \(exception["text"] ?? "") \((exception["exception"] as? [String: Any])?["description"] ?? "") in: \(expression)")
        }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Types `value` into the field matched by the CSS selector, as a user would (fires input/change).
    func fill(_ selector: String, with value: String) throws {
        let ok = try evaluate("""
            (() => { const e = document.querySelector(\(Self.js(selector))); if (!e) return false;
              e.focus(); e.value = \(Self.js(value));
              e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true}));
              return true; })()
            """) as? Bool
        guard ok == true else { throw BrowserError("no field \(selector) on \(try url())") }
    }

    /// Ticks the checkbox or radio button matched by the selector, as a click would.
    func check(_ selector: String) throws {
        let ok = try evaluate("""
            (() => { const e = document.querySelector(\(Self.js(selector))); if (!e) return false; e.click(); return e.checked; })()
            """) as? Bool
        guard ok == true else { throw BrowserError("cannot tick \(selector) on \(try url())") }
    }

    /// Back to the browser's own window size after a screenshot.
    func resetViewport() throws {
        _ = try call("Emulation.clearDeviceMetricsOverride")
    }


    /// Clicks the element (usually a submit button) and waits for the page it leads to.
    func clickAndWait(_ selector: String) throws {
        pendingEvents.removeAll()
        let ok = try evaluate("""
            (() => { const e = document.querySelector(\(Self.js(selector))); if (!e) return false; e.click(); return true; })()
            """) as? Bool
        guard ok == true else { throw BrowserError("nothing to click at \(selector) on \(try url())") }
        _ = try waitForEvent("Page.loadEventFired")
    }

    /// The current address.
    func url() throws -> String { (try evaluate("location.href") as? String) ?? "" }

    /// The HTTP status of the page shown.
    func status() throws -> Int? {
        try evaluate("performance.getEntriesByType('navigation')[0]?.responseStatus") as? Int
    }

    /// The page's DOM as HTML, as `--dump-dom` prints it.
    func dom() throws -> String { (try evaluate("document.documentElement.outerHTML") as? String) ?? "" }

    /// The visible text of the page.
    func text() throws -> String { (try evaluate("document.body.innerText") as? String) ?? "" }

    /// Lays the page out at `width` CSS pixels, as a phone (narrow, touch) or a desktop window.
    func setViewport(width: Int) throws {
        _ = try call("Emulation.setDeviceMetricsOverride", [
            "width": width, "height": width < 600 ? 740 : 900, "deviceScaleFactor": 1, "mobile": width < 600,
        ])
    }

    /// How wide the page's content is, in CSS pixels; wider than the viewport means sideways scrolling.
    func contentWidth() throws -> Int {
        (try evaluate("document.documentElement.scrollWidth") as? Int) ?? 0
    }

    /// A PNG of the whole page as laid out by the last `setViewport(width:)`, `width` pixels wide.
    func screenshot(width: Int) throws -> Data {
        let height = max((try evaluate("document.documentElement.scrollHeight") as? Double) ?? 0, 300)
        let shot = try call("Page.captureScreenshot", [
            "format": "png", "captureBeyondViewport": true,
            "clip": ["x": 0, "y": 0, "width": Double(width), "height": height, "scale": 1],
        ])
        guard let base64 = shot["data"] as? String, let data = Data(base64Encoded: base64) else {
            throw BrowserError("no screenshot data")
        }
        return data
    }

    // MARK: Protocol

    private static func js(_ string: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [string])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }

    @discardableResult
    private func send(_ method: String, _ params: [String: Any], inPage: Bool) throws -> Int {
        let id = nextID
        nextID += 1
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if inPage { message["sessionId"] = sessionID }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(commandFD, $0.baseAddress, $0.count) }
            guard written > 0 else { throw BrowserError("the browser closed its pipe (\(method))") }
            offset += written
        }
        return id
    }

    /// Sends a command and waits for its reply, keeping events that arrive meanwhile.
    @discardableResult
    private func call(_ method: String, _ params: [String: Any] = [:], inPage: Bool = true) throws -> [String: Any] {
        let id = try send(method, params, inPage: inPage)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let message = try nextMessage(until: deadline, waitingFor: method)
            if message["id"] as? Int == id {
                if let error = message["error"] as? [String: Any] {
                    throw BrowserError("\(method) failed: \(error["message"] ?? error)")
                }
                return (message["result"] as? [String: Any]) ?? [:]
            }
            if message["method"] != nil { pendingEvents.append(message) }
        }
    }

    private func waitForEvent(_ method: String) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let index = pendingEvents.firstIndex(where: { $0["method"] as? String == method }) {
                let event = pendingEvents[index]
                pendingEvents.removeSubrange(...index)
                return event
            }
            let message = try nextMessage(until: deadline, waitingFor: method)
            if message["method"] != nil { pendingEvents.append(message) }
        }
    }

    private func nextMessage(until deadline: Date, waitingFor what: String) throws -> [String: Any] {
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let bytes = Data(buffer[..<end])
                buffer.removeSubrange(...end)
                guard let message = try JSONSerialization.jsonObject(with: bytes) as? [String: Any] else { continue }
                return message
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw BrowserError("the browser did not answer within \(Int(timeout)) s (\(what))") }
            var poller = pollfd(fd: replyFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining, 1) * 1000))
            if ready <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let count = read(replyFD, &chunk, chunk.count)
            guard count > 0 else { throw BrowserError("the browser exited (\(what))") }
            buffer.append(contentsOf: chunk[..<count])
        }
    }
}
