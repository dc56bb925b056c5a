import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// How the importer talks to a listing source over HTTP.
public struct FetchOptions: Sendable {
    /// Seconds without any data before a request is given up (a hanging server).
    public var idleTimeout: TimeInterval = 30
    /// Seconds one whole download may take.
    public var totalTimeout: TimeInterval = 900
    /// Attempts in all, for timeouts, connection failures, 429 and 5xx; other answers are final.
    public var maxAttempts = 3
    /// Seconds to wait before the second attempt; doubled before each further one.
    public var initialBackoff: TimeInterval = 5
    /// Bodies larger than this are refused (bytes, after decompression).
    public var maxBytes = 200 * 1024 * 1024
    public var userAgent = "Wohnlotse/1.0 (listing import of the Wohnungscoaching Kreis Plön)"

    public init() {}
}

/// What a fetch brought.
public enum FetchOutcome: Sendable {
    /// 304: nothing changed since the stored ETag / Last-Modified.
    case notModified(status: Int)
    /// The body is in `file` (a temporary file for HTTP, the source itself for file:// URLs).
    case fetched(FetchedFeed)
}

public struct FetchedFeed: Sendable {
    public var file: URL
    /// HTTP status, nil for a local file.
    public var status: Int?
    public var etag: String?
    public var lastModified: String?
    public var bytes: Int
    /// Whether `file` is a temporary file the caller should delete.
    public var isTemporary: Bool
    public var attempts: Int
}

/// Why a source could not be fetched.
public enum FetchError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The server answered with an error status (after retries, for 5xx and 429).
    case httpStatus(url: String, status: Int, attempts: Int)
    /// No data for longer than the idle timeout, on every attempt.
    case timedOut(url: String, seconds: Int, attempts: Int)
    /// The body is larger than the configured cap.
    case tooLarge(url: String, limit: Int)
    /// The connection failed (DNS, refused, TLS, reset), on every attempt.
    case transport(url: String, message: String, attempts: Int)
    /// A local file source does not exist or cannot be read.
    case fileUnreadable(path: String)

    public var description: String {
        switch self {
        case .httpStatus(let url, let status, let attempts):
            let hint: String
            switch status {
            case 401, 403: hint = "check the credentials named in Imports/sources.yaml"
            case 404: hint = "check the URL in Imports/sources.yaml"
            case 500...599: hint = "the source's server failed; it is retried on the next run"
            default: hint = "see the source's documentation"
            }
            return "\(url) answered HTTP \(status) (\(attempts) attempt\(attempts == 1 ? "" : "s")): \(hint)"
        case .timedOut(let url, let seconds, let attempts):
            return "\(url) sent nothing for \(seconds) s (\(attempts) attempts): the server hangs or is overloaded; it is retried on the next run"
        case .tooLarge(let url, let limit):
            return "\(url) sent more than \(limit / 1_048_576) MiB, the configured limit: raise max_megabytes for this source if the feed really is that large"
        case .transport(let url, let message, let attempts):
            return "cannot reach \(url) (\(attempts) attempts): \(message)"
        case .fileUnreadable(let path):
            return "cannot read the feed file \(path): check the url in Imports/sources.yaml"
        }
    }
}

/// Fetches feeds with FoundationNetworking (libcurl): conditional GET, gzip (decoded by libcurl),
/// timeouts, bounded retries with backoff, a size cap, the body streamed to a temporary file.
public struct HTTPFetcher: Sendable {
    public var options: FetchOptions

    public init(options: FetchOptions = FetchOptions()) { self.options = options }

    /// Fetches `url`. `headers` carries credentials; `state` the stored validators.
    public func fetch(_ url: URL, headers: [String: String] = [:], etag: String? = nil, lastModified: String? = nil) async throws -> FetchOutcome {
        if url.isFileURL {
            let path = url.path
            guard FileManager.default.isReadableFile(atPath: path),
                let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
            else { throw FetchError.fileUnreadable(path: path) }
            if size > options.maxBytes { throw FetchError.tooLarge(url: url.absoluteString, limit: options.maxBytes) }
            return .fetched(FetchedFeed(file: url, status: nil, etag: nil, lastModified: nil, bytes: size, isTemporary: false, attempts: 1))
        }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalAndRemoteCacheData, timeoutInterval: options.idleTimeout)
        request.setValue(options.userAgent, forHTTPHeaderField: "User-Agent")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let etag { request.setValue(etag, forHTTPHeaderField: "If-None-Match") }
        if let lastModified { request.setValue(lastModified, forHTTPHeaderField: "If-Modified-Since") }

        var attempt = 0
        var delay = options.initialBackoff
        while true {
            attempt += 1
            let result = await download(request)
            let retryable: Bool
            let failure: FetchError
            switch result {
            case .success(let (response, file, bytes)):
                let status = response.statusCode
                if status == 304 {
                    try? FileManager.default.removeItem(at: file)
                    return .notModified(status: status)
                }
                if (200..<300).contains(status) {
                    return .fetched(FetchedFeed(
                        file: file, status: status, etag: response.value(forHTTPHeaderField: "ETag"),
                        lastModified: response.value(forHTTPHeaderField: "Last-Modified"), bytes: bytes, isTemporary: true, attempts: attempt))
                }
                try? FileManager.default.removeItem(at: file)
                retryable = status >= 500 || status == 429
                failure = .httpStatus(url: url.absoluteString, status: status, attempts: attempt)
            case .failure(.tooLarge):
                throw FetchError.tooLarge(url: url.absoluteString, limit: options.maxBytes)
            case .failure(.timedOut):
                retryable = true
                failure = .timedOut(url: url.absoluteString, seconds: Int(options.idleTimeout), attempts: attempt)
            case .failure(.transport(let message)):
                retryable = true
                failure = .transport(url: url.absoluteString, message: message, attempts: attempt)
            }
            guard retryable, attempt < options.maxAttempts else { throw failure }
            try await Task.sleep(nanoseconds: UInt64(max(0, delay) * 1_000_000_000))
            delay *= 2
        }
    }

    enum AttemptFailure: Error { case tooLarge, timedOut, transport(String) }

    /// One attempt: streams the body to a temporary file.
    private func download(_ request: URLRequest) async -> Result<(HTTPURLResponse, URL, Int), AttemptFailure> {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("wohnlotse-feed-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: file.path, contents: nil), let handle = try? FileHandle(forWritingTo: file) else {
            return .failure(.transport("cannot create a temporary file in \(FileManager.default.temporaryDirectory.path)"))
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = options.idleTimeout
        configuration.timeoutIntervalForResource = options.totalTimeout
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalAndRemoteCacheData
        let result: Result<(HTTPURLResponse, URL, Int), AttemptFailure> = await withCheckedContinuation { continuation in
            let delegate = StreamingDelegate(handle: handle, maxBytes: options.maxBytes, continuation: continuation)
            let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
            let task = session.dataTask(with: request)
            task.resume()
            session.finishTasksAndInvalidate()
        }
        try? handle.close()
        switch result {
        case .success(let (response, _, bytes)): return .success((response, file, bytes))
        case .failure(let error):
            try? FileManager.default.removeItem(at: file)
            return .failure(error)
        }
    }
}

/// Writes each chunk to disk as it arrives, so memory stays flat for large feeds.
private final class StreamingDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private let handle: FileHandle
    private let maxBytes: Int
    private var bytes = 0
    private var tooLarge = false
    private var writeFailed: String?
    private var response: HTTPURLResponse?
    private var continuation: CheckedContinuation<Result<(HTTPURLResponse, URL, Int), HTTPFetcher.AttemptFailure>, Never>?

    init(handle: FileHandle, maxBytes: Int, continuation: CheckedContinuation<Result<(HTTPURLResponse, URL, Int), HTTPFetcher.AttemptFailure>, Never>) {
        self.handle = handle
        self.maxBytes = maxBytes
        self.continuation = continuation
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse, completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        lock.lock()
        self.response = response as? HTTPURLResponse
        let declared = response.expectedContentLength
        let refuse = declared > 0 && Int(declared) > maxBytes && (self.response?.value(forHTTPHeaderField: "Content-Encoding") == nil)
        if refuse { tooLarge = true }
        lock.unlock()
        completionHandler(refuse ? .cancel : .allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        defer { lock.unlock() }
        guard !tooLarge, writeFailed == nil else { return }
        bytes += data.count
        if bytes > maxBytes {
            tooLarge = true
            dataTask.cancel()
            return
        }
        do { try handle.write(contentsOf: data) } catch {
            writeFailed = "cannot write the download to disk: \(error.localizedDescription)"
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        lock.lock()
        let continuation = self.continuation
        self.continuation = nil
        let result: Result<(HTTPURLResponse, URL, Int), HTTPFetcher.AttemptFailure>
        if tooLarge {
            result = .failure(.tooLarge)
        } else if let writeFailed {
            result = .failure(.transport(writeFailed))
        } else if let error {
            let code = (error as? URLError)?.code
            result = code == .timedOut ? .failure(.timedOut) : .failure(.transport(error.localizedDescription))
        } else if let response {
            result = .success((response, URL(fileURLWithPath: "/"), bytes))
        } else {
            result = .failure(.transport("the server closed the connection without an answer"))
        }
        lock.unlock()
        continuation?.resume(returning: result)
    }
}
