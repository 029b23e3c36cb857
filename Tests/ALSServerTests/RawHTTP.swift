import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal blocking HTTP/1.1 client over a loopback socket, for exact control of what is sent
/// (partial bodies, wrong lengths, chunked bodies). Each call runs on a thread of its own, never
/// on the cooperative pool that the in-process server's handlers need.
final class RawConnection: @unchecked Sendable {
    private let fd: Int32

    init(port: Int) async throws {
        fd = try await onThread {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw POSIXError(.EIO) }
            var timeout = timeval(tv_sec: 20, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let status = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard status == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
            return fd
        }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) async throws {
        let fd = fd
        try await onThread {
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard n > 0 else { throw POSIXError(.EPIPE) }
                sent += n
            }
        }
    }

    func send(_ text: String) async throws { try await send(Array(text.utf8)) }

    /// Reads to the end of the stream (every request sends `Connection: close`).
    func receive() async throws -> HTTPReply {
        let fd = fd
        return try await onThread {
            var data = [UInt8]()
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                data += chunk[..<n]
            }
            return try HTTPReply(data)
        }
    }
}

/// A parsed response.
struct HTTPReply: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data

    init(_ raw: [UInt8]) throws {
        let separator = Array("\r\n\r\n".utf8)
        guard let end = (0 ..< max(0, raw.count - 3)).first(where: { Array(raw[$0 ..< $0 + 4]) == separator }) else {
            throw POSIXError(.EBADMSG)
        }
        let lines = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = lines[0].split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw POSIXError(.EBADMSG) }
        self.status = status
        var headers = [String: String]()
        for line in lines.dropFirst() {
            if let colon = line.firstIndex(of: ":") {
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        self.headers = headers
        body = Data(raw[(end + 4)...])
    }

    /// The body as a JSON object, or nil.
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }

    /// The `error.code` of an error body.
    var errorCode: String? { (json?["error"] as? [String: Any])?["code"] as? String }

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Runs `body` on a new thread and waits for it without blocking a cooperative thread.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// One request on a new connection: `GET`/`POST` `path` with an optional JSON body.
func request(_ method: String, _ path: String, body: String? = nil, port: Int,
             extraHeaders: String = "") async throws -> HTTPReply {
    let connection = try await RawConnection(port: port)
    var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\(extraHeaders)"
    if let body {
        head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
    }
    try await connection.send(head + "\r\n" + (body ?? ""))
    return try await connection.receive()
}
