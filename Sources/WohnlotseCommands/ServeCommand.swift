import ArgumentParser
import Foundation
import HousingDomain
import HousingStore
import ListingImport
import Logging
import WohnlotseWeb

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the web app for coaches, job-centre staff and admins (German, English available).",
        discussion: """
            Users sign in with their login name and the password set by 'wohnlotse user passwd'. Listens on \
            127.0.0.1:8080 by default; to reach it from other machines, run it behind a reverse proxy that \
            terminates TLS (see README, "Web app"). Cookies are marked Secure unless the host is a loopback \
            address; --no-secure-cookies turns that off elsewhere (never do this on a network).
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on.") var port = 8080
    @Flag(inversion: .prefixedNo, help: "Mark cookies Secure (https only). Default: on, except on a loopback host.")
    var secureCookies: Bool?
    @Flag(help: "Behind a reverse proxy: take the client's address from the last X-Forwarded-For hop (for sign-in throttling).")
    var trustProxy = false
    @Option(help: "The listing sources file, for the admin's import health (optional).") var sources = "Imports/sources.yaml"
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be 1 to 65535") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("unknown --log-level '\(logLevel)': use trace, debug, info, notice, warning, error or critical")
        }
        if secureCookies == false && !Self.isLoopback(host) {
            FileHandle.standardError.write(Data("warning: --no-secure-cookies on \(host): session cookies will also travel over plain http\n".utf8))
        }
    }

    func run() async throws {
        let database = try global.open()
        var names: [String] = []
        if FileManager.default.fileExists(atPath: sources),
            let configs = try? ImportSources.load(from: URL(fileURLWithPath: sources))
        {
            names = configs.filter(\.enabled).map(\.name)
        }
        let environment = global.environment
        // The gazetteer places anchors stored without coordinates on the household page's map.
        let gazetteer = (try? global.ruleBook())?.gazetteer
        if gazetteer == nil {
            FileHandle.standardError.write(Data("warning: no rules folder (--rules, $WOHNLOTSE_RULES or ./Rules): places without coordinates are left off the household map\n".utf8))
        }
        let configuration = WebConfiguration(
            secureCookies: secureCookies ?? !Self.isLoopback(host), trustForwardedFor: trustProxy, importSources: names,
            today: { CalendarDate.today(environment: environment) },
            locate: { address in
                guard let gazetteer, let postalCode = address.postalCode, let place = address.place else { return nil }
                return try? gazetteer.resolve(postalCode: postalCode, place: place).coordinate
            })
        var logger = Logger(label: "wohnlotse.web")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let app = try WebApp(database: database, configuration: configuration)
        FileHandle.standardOutput.write(Data("Wohnlotse web app on http://\(host.contains(":") ? "[\(host)]" : host):\(port)/ (database \(database.path), cookies \(configuration.secureCookies ? "Secure" : "not Secure")); stop with Ctrl-C.\n".utf8))
        try await app.serve(host: host, port: port, logger: logger)
    }
}
