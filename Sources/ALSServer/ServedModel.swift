import ALS
import Foundation

/// A model together with what `GET /v1/model` reports about its file. Immutable: a reload makes
/// a new one, and a request keeps the one it started with until it ends.
public struct ServedModel: Sendable {
    public let model: ALSModel
    public let path: String
    /// The XXH64 in the file's header, which `ALSModel.load(from:)` verified against the bytes
    /// (`ALSModel.fileChecksum`, always present: a served model is always loaded from a file).
    public var checksum: UInt64 { model.fileChecksum ?? 0 }
    public let fileModified: Date
    public let loadedAt: Date

    /// Loads and verifies the model at `path`, then runs one query of each kind so the lazily
    /// built serving caches (quantised item factors, fold-in Gram) exist before the first request.
    ///
    /// - Throws: the errors of `ALSModel.load(from:)`.
    public static func load(path: String) throws -> ServedModel {
        let url = URL(fileURLWithPath: path)
        let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? Date()
        let model = try ALSModel.load(from: url)
        if model.users > 0, model.items > 0 {
            _ = try? model.recommend(user: 0, k: 1, excludeSeen: .nothing)
            _ = try? model.recommend(interactions: [(item: 0, value: 1)], k: 1)
        }
        return ServedModel(model: model, path: path, fileModified: modified, loadedAt: Date())
    }
}
