import Logging

/// swift-log's `StreamLogHandler` (standard error, as swift-log's default), with the logger's metadata kept here and
/// formatted only when a line is written. Hummingbird sets a request id on the application's logger for every
/// request, and `StreamLogHandler` formats its whole metadata into a string on every set — ≈ 2.4 % of the server's
/// CPU per request in the profile, for lines that are mostly never written (issue 16). The lines are the same.
struct DeferredMetadataLogHandler: LogHandler {
    private var stream: StreamLogHandler
    var metadata: Logger.Metadata = [:]

    init(_ stream: StreamLogHandler) { self.stream = stream }

    var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { stream.metadataProvider }
        set { stream.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        // Handed to the stream handler only now (a line is written): it merges it with the provider's and the call
        // site's metadata as it always does.
        var stream = stream
        if !metadata.isEmpty { stream.metadata = metadata }
        stream.log(event: event)
    }
}

extension Logger {
    /// The server's logger: standard error, lines as swift-log's default handler writes them (see
    /// `DeferredMetadataLogHandler`).
    public static func lotse(_ label: String = "lotse") -> Logger {
        Logger(label: label) { DeferredMetadataLogHandler(StreamLogHandler.standardError(label: $0)) }
    }
}
