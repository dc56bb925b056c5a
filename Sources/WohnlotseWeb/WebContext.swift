import Foundation
import HousingDomain
import HousingStore
import Hummingbird
import NIOCore

/// What each request carries through the middleware to the pages: the language, the signed-in
/// user (if any) and the client's address for sign-in throttling.
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address as the socket sees it (the reverse proxy's, behind one).
    public let peerAddress: String?
    /// The page language, chosen by `LanguageMiddleware`.
    public var language: Language = .de
    /// The signed-in browser's session, set by `SessionMiddleware`.
    public var session: WebSession?
    /// True when the request presented a session cookie that is no longer valid.
    public var sessionExpired = false
    /// The client's address for throttling: the peer, or behind a trusted proxy the last
    /// X-Forwarded-For hop (set by `SessionMiddleware`).
    public var clientAddress = "unknown"

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Forms are small; anything bigger is refused before it is read.
    public var maxUploadSize: Int { 64 * 1024 }

    /// The strings of the page language.
    var strings: Strings { Strings.table(for: language) }
}
